import type { SandboxKind } from '../exec/sandbox.js';
import type { AuthService } from '../auth/types.js';
import type { JobQueue, RunJob } from '../queue/queue.js';
import type { Store } from '../model/store.js';
import type { RunWorker } from './run-worker.js';
import type { SseHub } from './sse.js';

/** What every route group is given (as its plugin options). */
export interface ServerContext {
  store: Store;
  /** Repo Runner's data directory (run directories, logs). */
  home: string;
  auth: AuthService;
  /** Real paths local sources must be inside (empty: git URLs only). */
  roots: string[];
  /** How API runs are confined: `bubblewrap`, or `none` when serve has `--unsafe-no-sandbox`. */
  sandbox: SandboxKind;
  queue: JobQueue<RunJob>;
  worker: RunWorker;
  sse: SseHub;
}
