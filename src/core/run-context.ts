import { runDir as runDirOf } from '../model/paths.js';
import type { RunContext } from '../model/run-context.js';
import { RunOptionsSchema, type RunOptions } from '../model/run-options.js';
import type { RunState } from '../model/run-state.js';
import { EventBus } from '../store/event-bus.js';
import type { Store } from '../model/store.js';

/** What {@link createRunContext} needs; the rest has defaults. */
export interface RunContextInit {
  runId: string;
  source: string;
  home: string;
  store: Store;
  /** Default: every option at its schema default (`RunOptionsSchema.parse({})`). */
  options?: RunOptions;
  /** Default: a fresh signal that is never aborted (for callers with nothing to cancel). */
  signal?: AbortSignal;
  /** Default: `<home>/runs/<runId>` (see `model/paths.ts`). */
  runDir?: string;
  /** Default: empty; the supervisor passes the restored state of a healthy run. */
  state?: RunState;
  /** Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The one way to build a {@link RunContext}: the run API, the supervisor and tests use it, so
 * a field added to the context gets its default in one place. The bus records into `store`;
 * listen to it with `ctx.bus.on('event', …)` once the context exists.
 *
 * Defaults: `options` every option at its schema default, `signal` one never aborted,
 * `runDir` `<home>/runs/<runId>`, `state` empty, `env` this process's environment.
 *
 * @example
 * const store = await openSqliteStore(':memory:');
 * const ctx = createRunContext({ runId: 'r1', source: repo, home, store });
 */
export function createRunContext(init: RunContextInit): RunContext {
  return {
    runId: init.runId,
    source: init.source,
    home: init.home,
    runDir: init.runDir ?? runDirOf(init.home, init.runId),
    options: init.options ?? RunOptionsSchema.parse({}),
    store: init.store,
    bus: new EventBus(init.runId, init.store),
    signal: init.signal ?? new AbortController().signal,
    state: init.state ?? {},
    env: init.env ?? process.env,
    exits: new Map(),
  };
}
