import type { Store } from './store.js';
import type { RunEventBus } from './events.js';
import type { RunLimits } from './run-limits.js';
import type { RunOptions } from './run-options.js';
import type { RunState } from './run-state.js';
import type { ServiceExit } from './service-exit.js';

/**
 * The one explicit context every agent and manager takes as its first argument: no
 * module-level singletons. `state` is filled phase by phase (see {@link RunState}).
 */
export interface RunContext {
  runId: string;
  /** The user's source: a path or a git URL. */
  source: string;
  /** Repo Runner's data directory. */
  home: string;
  /** This run's directory (state files, logs, clone). */
  runDir: string;
  options: RunOptions;
  store: Store;
  bus: RunEventBus;
  /** Aborted on Ctrl-C or `stop`: every process, probe and wait must honour it. */
  signal: AbortSignal;
  state: RunState;
  /** Environment of Repo Runner's own process (the base of every child's environment). */
  env: NodeJS.ProcessEnv;
  /** How each service process this process started has exited, by pid (not checkpointed). */
  exits: Map<number, ServiceExit>;
  /**
   * What confines this run's processes besides the filesystem view (set up by the run API):
   * commands to run them under (the run's cgroup, its network namespace), its hosts and
   * resolver files, and the shared package caches (null: the operator's own).
   */
  isolation?: RunIsolation;
  /** What model calls have cost this run so far, in USD (the ModelManager's budget). */
  modelSpentUsd?: number;
}

/** See {@link RunContext.isolation}. */
export interface RunIsolation {
  prefix: string[];
  hostsFile: string | null;
  resolvConf: string | null;
  cacheDir: string | null;
  /** The limits of the run owner's tier (memory, processes, CPU, disk, logs, step time). */
  limits: RunLimits | null;
}
