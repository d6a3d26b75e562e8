import { runDir as runDirOf } from '../model/paths.js';
import type { RunContext } from '../model/run-context.js';
import type { RunOptions } from '../model/run-options.js';
import type { RunState } from '../model/run-state.js';
import { EventBus } from '../store/event-bus.js';
import type { Store } from '../model/store.js';

/** What {@link createRunContext} needs; the rest has defaults. */
export interface RunContextInit {
  runId: string;
  source: string;
  home: string;
  options: RunOptions;
  store: Store;
  signal: AbortSignal;
  /** Default: `<home>/runs/<runId>` (see `model/paths.ts`). */
  runDir?: string;
  /** Default: empty; the supervisor passes the restored state of a healthy run. */
  state?: RunState;
  /** Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The one way to build a {@link RunContext}: the run API, the supervisor and tests use it, so
 * a field added to the context gets its default in one place. The bus records into `store`.
 */
export function createRunContext(init: RunContextInit): RunContext {
  return {
    runId: init.runId,
    source: init.source,
    home: init.home,
    runDir: init.runDir ?? runDirOf(init.home, init.runId),
    options: init.options,
    store: init.store,
    bus: new EventBus(init.runId, init.store),
    signal: init.signal,
    state: init.state ?? {},
    env: init.env ?? process.env,
    exits: new Map(),
  };
}
