import type { RepoView } from '../../repo/repo-view.js';
import type { NodeFramework } from './frameworks.js';
import type { PackageJson } from './package-json.js';
import type { PackageManagerName } from './package-manager.js';

/** Root files run with `node <file>` when there is no start script and no `main`, in order. */
export const ENTRY_FILES = ['index.js', 'server.js', 'app.js'] as const;

/** How to start a Node service, before it becomes a CommandSpec. */
export interface NodeStart {
  /** Program and arguments, with `{host}` and `{port}` placeholders. */
  argv: string[];
  description: string;
  /** True when the start command serves build output (run the `build` script first, if any). */
  needsBuild: boolean;
  /** The source file to scan for a health route, or null when unknown. */
  mainFile: string | null;
}

/** Paths of build output: a start command that mentions one needs the build first. */
const BUILD_OUTPUT = /(^|[\s/'"])(dist|build|\.next)\//;

/**
 * The start command. Rules, first match wins:
 * 1. Next.js whose start script is `next start` (or missing): `next start -p {port} -H {host}`.
 * 2. Vite without a start script: `vite preview --port {port} --host {host} --strictPort`;
 *    a start script that is the dev server (`vite`, `vite dev`, `vite serve`) runs the same
 *    binary with the port flags and needs no build.
 * 3. A start script: `<pm> run start`.
 * 4. The `main` field: `node <main>`.
 * 5. {@link ENTRY_FILES} at the root: `node <file>`.
 * Null when none applies. Sources: https://nextjs.org/docs/app/api-reference/cli/next,
 * https://vite.dev/guide/cli, https://docs.npmjs.com/cli/commands/npm-start
 */
export async function nodeStart(
  repo: RepoView,
  pkg: PackageJson,
  framework: NodeFramework | null,
  pm: PackageManagerName,
): Promise<NodeStart | null> {
  const script = pkg.scripts?.['start']?.trim();
  if (framework === 'next' && (script === undefined || /^next start\b/.test(script))) {
    const argv = ['node_modules/.bin/next', 'start', '-p', '{port}', '-H', '{host}'];
    return { argv, description: 'next start', needsBuild: true, mainFile: null };
  }
  const vite = framework === 'vite' ? viteMode(script) : null;
  if (vite !== null) {
    const preview = vite === 'preview';
    const argv = ['node_modules/.bin/vite', ...(preview ? ['preview'] : [])];
    argv.push('--port', '{port}', '--host', '{host}', '--strictPort');
    const description = preview ? 'vite preview' : 'vite dev server';
    return { argv, description, needsBuild: preview, mainFile: null };
  }
  const frameworkBuilds = framework === 'next' || framework === 'vite' || framework === 'nestjs';
  if (script !== undefined && script !== '') {
    const file =
      /^(?:node|nodemon|tsx|ts-node)\s+(?:--?\S+\s+)*([^\s-]\S*)/.exec(script)?.[1] ??
      pkg.main ??
      null;
    return {
      argv: [pm, 'run', 'start'],
      description: `${pm} run start (${script})`,
      needsBuild: frameworkBuilds || BUILD_OUTPUT.test(script),
      mainFile: file,
    };
  }
  if (pkg.main) {
    return {
      argv: ['node', pkg.main],
      description: `node ${pkg.main}`,
      needsBuild: frameworkBuilds || BUILD_OUTPUT.test(pkg.main),
      mainFile: pkg.main,
    };
  }
  for (const file of ENTRY_FILES) {
    if (await repo.hasFile(file)) {
      return {
        argv: ['node', file],
        description: `node ${file}`,
        needsBuild: frameworkBuilds,
        mainFile: file,
      };
    }
  }
  return null;
}

/** `preview` without a start script or for `vite preview`; `dev` for the dev server; else null. */
function viteMode(script: string | undefined): 'preview' | 'dev' | null {
  if (script === undefined) return 'preview';
  const match = /^vite(?:\s+(dev|serve|preview))?$/.exec(script);
  if (!match) return null;
  return match[1] === 'preview' ? 'preview' : 'dev';
}
