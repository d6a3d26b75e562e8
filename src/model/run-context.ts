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

/**
 * A run's own network namespace as agents use it (`exec/run-network.ts` makes it): ports
 * published from the host's 127.0.0.1 into it, and the names its `/etc/hosts` maps to the
 * run's own loopback.
 */
export interface RunNetworkHandle {
  /** The netns name, `rr-<run id>`. */
  readonly name: string;
  /** Forwards 127.0.0.1:`hostPort` on the host to 127.0.0.1:`nsPort` inside. */
  publish(hostPort: number, nsPort: number): Promise<void>;
  /** Stops forwarding `hostPort`; no-op when it is not published. */
  unpublish(hostPort: number): Promise<void>;
  /** Points a published host port at another port inside. */
  repoint(hostPort: number, nsPort: number): Promise<void>;
  /** What is published: host port → port inside. */
  published(): Map<number, number>;
  /** Sets the names that resolve to the run's loopback (compose service names, `db`…). */
  setHostNames(hostNames: string[]): void;
  /**
   * Resolves once the namespace exists with its guard rules (it is made in the background:
   * a command run with the isolation's prefix awaits this first); rejects when it cannot be.
   */
  ready(): Promise<void>;
  /** Resolves once outbound traffic (package registries) works; rejects when it cannot. */
  outbound(): Promise<void>;
}

/** See {@link RunContext.isolation}. */
export interface RunIsolation {
  /** Commands every process of the run is started under: its cgroup shim, its netns. */
  prefix: string[];
  /** The run's own network, or null on the host's network (`--network host`, or not root). */
  network?: RunNetworkHandle | null;
  hostsFile: string | null;
  resolvConf: string | null;
  cacheDir: string | null;
  /**
   * The unprivileged uid the run's sandboxed processes execute as (service mode under a
   * root Repo Runner: one per account); null or absent: Repo Runner's own user.
   */
  uid?: number | null;
  /** The limits of the run owner's tier (memory, processes, CPU, disk, logs, step time). */
  limits: RunLimits | null;
}
