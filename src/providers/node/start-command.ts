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
export const BUILD_OUTPUT = /(^|[\s/'"])(dist|build|\.next)\//;

/** Where a package sits and how much may stand in for a start script. */
export interface StartOptions {
  /** The package's directory relative to the root (`.` for the root package). */
  dir: string;
  /**
   * The package's binaries, relative to `dir`: `node_modules/.bin`, or for a workspace
   * package whose dependencies are hoisted, the root's (`../../node_modules/.bin`).
   */
  binDir: string;
  /**
   * Whether `main` or an {@link ENTRY_FILES} file may start the package. True for a
   * single-package repository; false for workspace packages, where those mark libraries, and
   * where Vite without a start script also needs an `index.html` (an app, not a library build).
   */
  fallbacks: boolean;
}

const ROOT_PACKAGE: StartOptions = { dir: '.', binDir: 'node_modules/.bin', fallbacks: true };

/**
 * The start command. Rules, first match wins:
 * 1. Next.js whose start script is `next start` (or missing): `next start -p {port} -H {host}`.
 * 2. Vite without a start script: `vite preview --port {port} --host {host} --strictPort`;
 *    a start script that is the dev server (`vite`, `vite dev`, `vite serve`) runs the same
 *    binary with the port flags and needs no build.
 * 3. NestJS: the `start:prod` script when there is one (run as in rule 4), else with a build
 *    script `node dist/main` (what Nest's `start:prod` is; its `start` is `nest start`, which
 *    compiles on every start and needs the Nest CLI).
 * 4. A start script: run as `sh -c <script>`, the way npm runs it (node_modules/.bin on PATH,
 *    npm's lifecycle variables set), but without npm itself as the parent: npm costs about
 *    0.5 s of start-up and does not reliably pass SIGTERM on (the Node.js Docker best
 *    practices say to run `node` directly for that reason). With a `prestart` or
 *    `poststart` script, `<pm> run start` runs all three as the package manager would.
 * 5. The `main` field: `node <main>` (only with `fallbacks`).
 * 6. {@link ENTRY_FILES} in the package directory: `node <file>` (only with `fallbacks`).
 * Argv and `mainFile` are relative to the package directory, its working directory.
 * Null when none applies. Sources: https://nextjs.org/docs/app/api-reference/cli/next,
 * https://vite.dev/guide/cli, https://docs.nestjs.com/cli/usages#nest-start,
 * https://docs.npmjs.com/cli/commands/npm-start
 */
export async function nodeStart(
  repo: RepoView,
  pkg: PackageJson,
  framework: NodeFramework | null,
  pm: PackageManagerName,
  options: StartOptions = ROOT_PACKAGE,
): Promise<NodeStart | null> {
  const { dir, binDir, fallbacks } = options;
  const at = (file: string) => (dir === '.' ? file : `${dir}/${file}`);
  const script = pkg.scripts?.['start']?.trim();
  if (framework === 'next' && (script === undefined || /^next start\b/.test(script))) {
    const argv = [`${binDir}/next`, 'start', '-p', '{port}', '-H', '{host}'];
    return { argv, description: 'next start', needsBuild: true, mainFile: null, env: {} };
  }
  const vite = framework === 'vite' ? viteMode(script) : null;
  const viteApp = fallbacks || script !== undefined || (await repo.hasFile(at('index.html')));
  if (vite !== null && viteApp) {
    const preview = vite === 'preview';
    const argv = [`${binDir}/vite`, ...(preview ? ['preview'] : [])];
    argv.push('--port', '{port}', '--host', '{host}', '--strictPort');
    const description = preview ? 'vite preview' : 'vite dev server';
    return { argv, description, needsBuild: preview, mainFile: null, env: {} };
  }
  // Nest's scaffold starts with the Nest CLI (`nest start`: a compile-and-run for
  // development) and serves the build with `start:prod` (or a start that runs `dist/`); a
  // project whose own `start` is something else (`node index.js` through ts-node) has
  // chosen how it runs.
  const nestScaffold =
    framework === 'nestjs' &&
    (script === undefined ||
      script === '' ||
      /^nest start\b/.test(script) ||
      BUILD_OUTPUT.test(script));
  if (nestScaffold) {
    if (pkg.scripts?.['start:prod']?.trim())
      return { ...runScript(pkg, pm, 'start:prod'), needsBuild: true };
    if (pkg.scripts?.['build']) {
      const argv = ['node', 'dist/main'];
      return { argv, description: 'node dist/main', needsBuild: true, mainFile: null, env: {} };
    }
  }
  const frameworkBuilds = framework === 'next' || framework === 'vite' || nestScaffold;
  if (script !== undefined && script !== '') {
    const start = runScript(pkg, pm, 'start');
    return { ...start, needsBuild: frameworkBuilds || start.needsBuild };
  }
  if (!fallbacks) return null;
  // `main` is what a library exports, often left at npm init's `index.js`: only a file that
  // exists (or build output, made by the build) starts the app.
  const mainRuns =
    pkg.main !== undefined &&
    (BUILD_OUTPUT.test(pkg.main) ||
      (await repo.hasFile(at(pkg.main))) ||
      (await repo.hasFile(at(`${pkg.main}.js`))));
  if (pkg.main && mainRuns) {
    return {
      argv: ['node', pkg.main],
      description: `node ${pkg.main}`,
      env: {},
      needsBuild: frameworkBuilds || BUILD_OUTPUT.test(pkg.main),
      mainFile: pkg.main,
    };
  }
  // The file the dev script runs (`nodemon src/index.js`), when it is plain JavaScript.
  const devFile = scriptFile(pkg.scripts?.['dev']?.trim() ?? '');
  if (devFile && /\.[cm]?js$/.test(devFile) && (await repo.hasFile(at(devFile)))) {
    return {
      argv: ['node', devFile],
      description: `node ${devFile} (the file the dev script runs)`,
      env: {},
      needsBuild: frameworkBuilds,
      mainFile: devFile,
    };
  }
  for (const file of [...ENTRY_FILES, ...ENTRY_FILES.map((f) => `src/${f}`)]) {
    if (await repo.hasFile(at(file))) {
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

/** Runs the script `event` (rule 4 of {@link nodeStart}); the caller checked that it exists. */
function runScript(pkg: PackageJson, pm: PackageManagerName, event: string): NodeStart {
  const script = pkg.scripts?.[event]?.trim() ?? '';
  // `"start": "npm run serve"`, `"serve": "node dist/server.js"`: what the chain runs.
  const runs = scriptRuns(pkg, script);
  const file = scriptFile(runs) ?? pkg.main ?? null;
  const hooks =
    pkg.scripts?.[`pre${event}`] !== undefined || pkg.scripts?.[`post${event}`] !== undefined;
  return {
    argv: hooks ? [pm, 'run', event] : ['sh', '-c', script],
    description: `${pm} run ${event} (${script})`,
    needsBuild: BUILD_OUTPUT.test(runs),
    mainFile: file,
    env: hooks ? {} : lifecycleEnv(pkg, event, script),
  };
}

/**
 * The command a script finally runs when it only runs another script of the package
 * (`npm run serve`, `yarn serve`, `pnpm run serve`, `npm start`), followed up to three
 * levels; the script itself otherwise.
 */
function scriptRuns(pkg: PackageJson, script: string, depth = 3): string {
  const m =
    /^(?:npm\s+(?:run(?:-script)?\s+)?|yarn\s+(?:run\s+)?|pnpm\s+(?:run\s+)?)([\w:.-]+)$/.exec(
      script.trim(),
    );
  const next = m?.[1] ? pkg.scripts?.[m[1]]?.trim() : undefined;
  if (depth === 0 || next === undefined || next === script) return script;
  return scriptRuns(pkg, next, depth - 1);
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
function lifecycleEnv(pkg: PackageJson, event: string, script: string): Record<string, string> {
  const env: Record<string, string> = {
    npm_lifecycle_event: event,
    npm_lifecycle_script: script,
  };
  if (typeof pkg.name === 'string') env.npm_package_name = pkg.name;
  if (typeof pkg.version === 'string') env.npm_package_version = pkg.version;
  return env;
}

/** The file a script runs with node, nodemon, tsx or ts-node (`nodemon -L src/index.js`), or null. */
function scriptFile(script: string): string | null {
  return /^(?:node|nodemon|tsx|ts-node)\s+(?:--?\S+\s+)*([^\s-]\S*)/.exec(script)?.[1] ?? null;
}
