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
  /** Environment the start command needs besides PORT and HOST (npm's lifecycle variables). */
  env: Record<string, string>;
}

/** Paths of build output: a start command that mentions one needs the build first. */
const BUILD_OUTPUT = /(^|[\s/'"])(dist|build|\.next)\//;

/**
 * The start command. Rules, first match wins:
 * 1. Next.js whose start script is `next start` (or missing): `next start -p {port} -H {host}`.
 * 2. Vite without a start script: `vite preview --port {port} --host {host} --strictPort`;
 *    a start script that is the dev server (`vite`, `vite dev`, `vite serve`) runs the same
 *    binary with the port flags and needs no build.
 * 3. A start script: run as `sh -c <script>`, the way npm runs it (node_modules/.bin on PATH,
 *    npm's lifecycle variables set), but without npm itself as the parent: npm costs about
 *    0.5 s of start-up and does not reliably pass SIGTERM on (the Node.js Docker best
 *    practices say to run `node` directly for that reason). With a `prestart` or
 *    `poststart` script, `<pm> run start` runs all three as the package manager would.
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
    return { argv, description: 'next start', needsBuild: true, mainFile: null, env: {} };
  }
  const vite = framework === 'vite' ? viteMode(script) : null;
  if (vite !== null) {
    const preview = vite === 'preview';
    const argv = ['node_modules/.bin/vite', ...(preview ? ['preview'] : [])];
    argv.push('--port', '{port}', '--host', '{host}', '--strictPort');
    const description = preview ? 'vite preview' : 'vite dev server';
    return { argv, description, needsBuild: preview, mainFile: null, env: {} };
  }
  const frameworkBuilds = framework === 'next' || framework === 'vite' || framework === 'nestjs';
  if (script !== undefined && script !== '') {
    const file =
      /^(?:node|nodemon|tsx|ts-node)\s+(?:--?\S+\s+)*([^\s-]\S*)/.exec(script)?.[1] ??
      pkg.main ??
      null;
    const hooks =
      pkg.scripts?.['prestart'] !== undefined || pkg.scripts?.['poststart'] !== undefined;
    return {
      argv: hooks ? [pm, 'run', 'start'] : ['sh', '-c', script],
      description: `${pm} run start (${script})`,
      needsBuild: frameworkBuilds || BUILD_OUTPUT.test(script),
      mainFile: file,
      env: hooks ? {} : lifecycleEnv(pkg, script),
    };
  }
  if (pkg.main) {
    return {
      argv: ['node', pkg.main],
      description: `node ${pkg.main}`,
      env: {},
      needsBuild: frameworkBuilds || BUILD_OUTPUT.test(pkg.main),
      mainFile: pkg.main,
    };
  }
  for (const file of ENTRY_FILES) {
    if (await repo.hasFile(file)) {
      return {
        argv: ['node', file],
        description: `node ${file}`,
        env: {},
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

/**
 * The lifecycle variables npm sets for a script (npm-run-script docs: `npm_lifecycle_event`,
 * `npm_lifecycle_script`, `npm_package_name`, `npm_package_version`), which apps read.
 */
function lifecycleEnv(pkg: PackageJson, script: string): Record<string, string> {
  const env: Record<string, string> = {
    npm_lifecycle_event: 'start',
    npm_lifecycle_script: script,
  };
  if (typeof pkg.name === 'string') env.npm_package_name = pkg.name;
  if (typeof pkg.version === 'string') env.npm_package_version = pkg.version;
  return env;
}
