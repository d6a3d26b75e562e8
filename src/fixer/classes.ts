import { z } from 'zod';

/**
 * Every kind of failure the classifier can name, most specific first in spirit (the
 * matching order lives in `rules/index.ts`). `unknown` is the fallback and is never fixable.
 */
export const ERROR_CLASSES = [
  'python-module-missing',
  'python-dependency-drift',
  'node-module-missing',
  'port-in-use',
  'database-connection-refused',
  'env-var-missing',
  'python-version-mismatch',
  'node-version-mismatch',
  'permission-denied',
  'command-not-found',
  'lockfile-out-of-sync',
  'pip-resolution-conflict',
  'pip-no-matching-distribution',
  'node-dependency-conflict',
  'system-library-missing',
  'build-output-missing',
  'wrong-host-binding',
  'never-binds',
  'out-of-memory',
  'disk-full',
  'watcher-limit-reached',
  'migration-needed',
  'network-unreachable',
  'command-timed-out',
  'syntax-error-in-app',
  'oom-killed',
  'pids-limit',
  'disk-quota',
  'unknown',
] as const;

/** Schema of one of {@link ERROR_CLASSES}. */
export const ErrorClassSchema = z.enum(ERROR_CLASSES);

/** One of {@link ERROR_CLASSES}. */
export type ErrorClass = z.infer<typeof ErrorClassSchema>;

/** What the fixer needs to know about a class, as data. */
export interface ErrorClassInfo {
  /** One line for reports. */
  summary: string;
  /** True when a rule-based fix can exist for this class (the why is in {@link ERROR_CLASS_INFO}). */
  fixable: boolean;
  /** The details that identify one occurrence, in key order (see `signatureKey`). */
  key: readonly string[];
  /** A fix needs at least one of these details; empty when it needs none. */
  needsOneOf: readonly string[];
}

const info = (
  summary: string,
  fixable: boolean,
  key: readonly string[] = [],
  needsOneOf: readonly string[] = [],
): ErrorClassInfo => ({ summary, fixable, key, needsOneOf });

/**
 * The catalogue of classes. A class is fixable when a deterministic fix exists; the fix
 * named in each comment is the rule the FixerAgent is expected to apply.
 */
export const ERROR_CLASS_INFO: Record<ErrorClass, ErrorClassInfo> = {
  // pip install the distribution providing the module.
  'python-module-missing': info('a Python module is not installed', true, ['module'], ['module']),
  'python-dependency-drift': info(
    'an unpinned dependency moved past what the pinned packages support',
    true,
    ['module', 'name', 'bound'],
    ['bound'],
  ),
  // npm/pnpm/yarn install the package.
  'node-module-missing': info('a Node package is not installed', true, ['package'], ['package']),
  // Give the service another free port.
  'port-in-use': info('the port is already taken', true, ['port']),
  // Provision the database locally and point the service's URL at it.
  'database-connection-refused': info('the database does not answer', true, ['kind']),
  // Generate a value (secrets) or ask the user.
  // …or create its missing config file from the example beside it.
  'env-var-missing': info(
    'a required environment variable (or config file) is missing',
    true,
    ['variable', 'file'],
    ['variable', 'file'],
  ),
  // Pick another installed interpreter (or a uv-managed one).
  'python-version-mismatch': info('the Python version does not fit', true, ['wanted']),
  // Pick another installed Node.
  'node-version-mismatch': info('the Node.js version does not fit', true, ['wanted']),
  // chmod +x a script, or move off a privileged port.
  'permission-denied': info('permission denied', true, ['path', 'port'], ['path', 'port']),
  // Install the tool, or run it through the project's bin dir (npx, .venv/bin).
  'command-not-found': info('a program is not on PATH', true, ['command'], ['command']),
  // Install without the frozen-lockfile flag (npm install instead of npm ci).
  'lockfile-out-of-sync': info(
    'the lockfile does not match the manifest',
    true,
    ['manager'],
    ['manager'],
  ),
  // Needs a human to choose versions.
  'pip-resolution-conflict': info('Python dependencies conflict', false, ['manager', 'packages']),
  // Relax an exact pin, or try another interpreter.
  'pip-no-matching-distribution': info('no release fits', true, ['package'], ['package']),
  // Retry with --legacy-peer-deps.
  'node-dependency-conflict': info('Node peer dependencies conflict', true, ['manager']),
  // apt-get install the -dev package.
  'system-library-missing': info('a system library is missing', true, ['library'], ['library']),
  // Run the build step first.
  'build-output-missing': info('the build output is missing', true, ['path']),
  // Tell the service to bind 0.0.0.0 (HOST, --host).
  'wrong-host-binding': info('the service listens on an unreachable address', true, ['host']),
  // Pass the port and host flags the framework reads.
  'never-binds': info('the service never answered', true),
  // Raise the heap limit or lower the worker count.
  'out-of-memory': info('the process ran out of memory', true, ['runtime']),
  // Freeing the user's disk is not ours to decide.
  'disk-full': info('the disk is full', false),
  // Use polling watchers (CHOKIDAR_USEPOLLING, WATCHPACK_POLLING).
  'watcher-limit-reached': info('the inotify watcher limit is reached', true),
  // Run the framework's migrate command.
  'migration-needed': info('database migrations have not been applied', true, ['framework']),
  // Nothing local to change; the retry policy covers transient failures.
  'network-unreachable': info('a network host is unreachable', false, ['host']),
  // Rerun with a longer time limit.
  'command-timed-out': info('the command ran out of time', true),
  // The app's own code is broken.
  'syntax-error-in-app': info("a syntax error in the app's code", false, ['file']),
  // The run's limits (its tier's, see auth/tier-limits.ts) stopped it: no rule can give it
  // more, only a bigger tier (or --memory/--pids/--disk locally) or a smaller app.
  'oom-killed': info("the run used all the memory of its tier's limit", false),
  'pids-limit': info("the run started more processes than its tier's limit", false),
  'disk-quota': info("the run's directory outgrew its tier's disk quota", false),
  unknown: info('not recognised', false),
};

/**
 * Whether a rule-based fix can exist for this class with these details: the class is
 * fixable and at least one of the details it needs is present.
 */
export function isFixable(cls: ErrorClass, details: Record<string, string>): boolean {
  const { fixable, needsOneOf } = ERROR_CLASS_INFO[cls];
  return fixable && (needsOneOf.length === 0 || needsOneOf.some((k) => Boolean(details[k])));
}
