/** One `require` of go.mod. */
export interface GoRequire {
  /** Module path, e.g. `github.com/gin-gonic/gin`. */
  path: string;
  /** Version as written, e.g. `v1.10.1`. */
  version: string;
  /** True when marked `// indirect` (needed only by other dependencies). */
  indirect: boolean;
}

/** The parts of go.mod the Go provider reads. */
export interface GoMod {
  /** The `module` path, or null when go.mod has none. */
  module: string | null;
  /** The `go` directive as written (`1.22`, `1.22.3`), or null. */
  goVersion: string | null;
  /** The `toolchain` directive (`go1.23.1`), or null. */
  toolchain: string | null;
  requires: GoRequire[];
}

/**
 * Parses the directives of a go.mod file the provider needs: `module`, `go`, `toolchain`
 * and `require` (single-line and parenthesised blocks, with `// indirect` markers). Other
 * directives (`replace`, `exclude`, `retract`, `godebug`) are skipped; quoted paths are
 * unquoted. Never throws: unknown lines are ignored, as the go command would report them.
 * Source: https://go.dev/ref/mod#go-mod-file
 *
 * @example
 * parseGoMod('module example.com/app\n\ngo 1.22\n\nrequire github.com/go-chi/chi/v5 v5.0.12\n');
 * // { module: 'example.com/app', goVersion: '1.22', toolchain: null,
 * //   requires: [{ path: 'github.com/go-chi/chi/v5', version: 'v5.0.12', indirect: false }] }
 */
export function parseGoMod(text: string): GoMod {
  const mod: GoMod = { module: null, goVersion: null, toolchain: null, requires: [] };
  let block: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const comment = raw.indexOf('//');
    const indirect = comment >= 0 && /^\/\/\s*indirect\b/.test(raw.slice(comment));
    const line = (comment >= 0 ? raw.slice(0, comment) : raw).trim();
    if (line === '') continue;
    if (block !== null) {
      if (line === ')') block = null;
      else if (block === 'require') addRequire(mod, line.split(/\s+/), indirect);
      continue;
    }
    const [verb = '', ...args] = line.split(/\s+/);
    if (args[0] === '(') {
      block = verb;
      continue;
    }
    if (verb === 'module' && args[0]) mod.module = unquote(args[0]);
    else if (verb === 'go' && args[0]) mod.goVersion = args[0];
    else if (verb === 'toolchain' && args[0]) mod.toolchain = args[0];
    else if (verb === 'require') addRequire(mod, args, indirect);
  }
  return mod;
}

function addRequire(mod: GoMod, fields: string[], indirect: boolean): void {
  const [modulePath, version] = fields;
  if (modulePath && version) {
    mod.requires.push({ path: unquote(modulePath), version: unquote(version), indirect });
  }
}

function unquote(token: string): string {
  return token.replace(/^["`](.*)["`]$/, '$1');
}

/**
 * The last element of a module path that names the program, skipping a major-version
 * suffix (`/v2`), as `go install` names binaries. Source: https://go.dev/ref/mod#major-version-suffixes
 *
 * @example
 * moduleBaseName('github.com/acme/shop/v2'); // 'shop'
 */
export function moduleBaseName(modulePath: string): string {
  const parts = modulePath.split('/').filter(Boolean);
  const last = parts.at(-1) ?? '';
  if (/^v\d+$/.test(last) && parts.length > 1) return parts.at(-2) ?? last;
  return last;
}
