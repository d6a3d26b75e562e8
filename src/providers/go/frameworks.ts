import type { GoRequire } from './go-mod.js';
import { importsPackage, type GoPackage } from './go-package.js';

/** The Go web frameworks the provider knows, by the name recorded in `ServiceSpec.framework`. */
export type GoFramework = 'gin' | 'echo' | 'fiber' | 'chi' | 'gorilla-mux' | 'net/http';

/** Module path (without a `/vN` suffix) → framework, in priority order. */
const FRAMEWORK_MODULES: readonly [string, GoFramework][] = [
  ['github.com/gin-gonic/gin', 'gin'],
  ['github.com/labstack/echo', 'echo'],
  ['github.com/gofiber/fiber', 'fiber'],
  ['github.com/go-chi/chi', 'chi'],
  ['github.com/gorilla/mux', 'gorilla-mux'],
];

/** The framework found, and the go.mod line or import that says so. */
export interface GoFrameworkMatch {
  framework: GoFramework;
  evidence: string;
}

/**
 * The web framework of a Go service: the first of {@link FRAMEWORK_MODULES} that go.mod
 * requires directly (`// indirect` requires are other modules' needs), matching the module
 * path with or without a major-version suffix (`github.com/labstack/echo/v4`); else
 * `net/http` when the main package imports it; else null. Whole-module, not per package:
 * a router is usually set up in an internal package, not in main.
 *
 * @example
 * detectGoFramework([{ path: 'github.com/gofiber/fiber/v2', version: 'v2.52.0', indirect: false }], pkg);
 * // { framework: 'fiber', evidence: 'go.mod requires github.com/gofiber/fiber/v2 v2.52.0' }
 */
export function detectGoFramework(
  requires: GoRequire[],
  main: GoPackage | null,
): GoFrameworkMatch | null {
  const direct = requires.filter((r) => !r.indirect);
  for (const [modulePath, framework] of FRAMEWORK_MODULES) {
    const found = direct.find((r) => sameModule(r.path, modulePath));
    if (found) {
      return { framework, evidence: `go.mod requires ${found.path} ${found.version}` };
    }
  }
  if (main !== null && importsPackage(main, 'net/http')) {
    const where = main.dir === '.' ? 'the root package' : main.dir;
    return { framework: 'net/http', evidence: `${where} imports net/http` };
  }
  return null;
}

/** `github.com/labstack/echo/v4` is `github.com/labstack/echo` at major version 4. */
function sameModule(path: string, modulePath: string): boolean {
  if (path === modulePath) return true;
  return path.startsWith(`${modulePath}/v`) && /^\d+$/.test(path.slice(modulePath.length + 2));
}
