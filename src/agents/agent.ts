import type { RepoRunnerError } from '../model/errors.js';
import type { PhaseName } from '../model/phases.js';
import type { RunContext } from '../model/run-context.js';
import type { RunState } from '../model/run-state.js';

/**
 * When the pipeline calls an agent:
 * - `phase` (default): when the pipeline reaches the agent's phase;
 * - `failure`: when a phase fails with a `NeedsFixError` (the FixerAgent's role); it may
 *   ask the pipeline to run phases again between its steps (see {@link AgentRun});
 * - `end`: once at the end of every run, whatever happened (the OrchestratorAgent's report).
 */
export type AgentTrigger = 'phase' | 'failure' | 'end';

/** A phase that failed, and how. */
export interface PhaseFailure {
  phase: PhaseName;
  error: RepoRunnerError;
}

/** What a `failure` agent asks of the pipeline between two of its steps: run `from`..`to` again. */
export interface RerunRequest {
  from: PhaseName;
  to: PhaseName;
}

/** What the pipeline hands an agent besides the {@link RunContext}. */
export interface AgentInput {
  /**
   * `failure` agents: the failure to handle. `end` agents: the failure that ended the run,
   * null when none did. `phase` agents: null.
   */
  failure: PhaseFailure | null;
  /** Warnings published on the run's bus so far (the report lists them). */
  warnings: readonly string[];
  /** Every agent registered for this run, in order (the report names each phase's agents). */
  agents: readonly Agent[];
}

/**
 * What `run` returns: the result at once, or an async generator that yields
 * {@link RerunRequest}s, receives after each the first failure of that rerun (null when every
 * phase passed), and returns the result. The pipeline does the reruns, with its recorder,
 * retry policy and checkpoints: an agent never re-enters the pipeline.
 */
export type AgentRun<T> = Promise<T> | AsyncGenerator<RerunRequest, T, PhaseFailure | null>;

/**
 * The one agent seam. Every agent (managers that decide in a phase, the FixerAgent and the
 * OrchestratorAgent included) implements it and sits in the one ordered array
 * (`agents/index.ts`); a custom agent registers the same way, with no pipeline edit. The
 * pipeline stores the result under `produces` in the run state, in the phase checkpoint and
 * in the seeds' `agent_state_<name>.json` (`manager_state_<name>.json` for managers).
 * Agents never print; they publish on `ctx.bus`.
 */
export interface Agent<K extends keyof RunState = keyof RunState> {
  /** The seeds' agent name, e.g. `EnvDetectorAgent`. */
  readonly name: string;
  /** Managers decide (their state file is `manager_state_<name>.json`); agents act. */
  readonly role?: 'agent' | 'manager';
  /** The phase whose row, checkpoint and timing the agent's work belongs to. */
  readonly phase: PhaseName;
  /** When the pipeline calls it (default `phase`). */
  readonly on?: AgentTrigger;
  /** The part of the run state this agent fills. */
  readonly produces: K;
  run(ctx: RunContext, input: AgentInput): AgentRun<NonNullable<RunState[K]>>;
  /**
   * Whether a result that came back (did not throw) still fails the phase, e.g. a health
   * check that found a service down: the result is kept for the report either way.
   */
  judge?(result: NonNullable<RunState[K]>): RepoRunnerError | null;
}

/** When the pipeline calls `agent` (its `on`, `phase` when unset). */
export const triggerOf = (agent: Agent): AgentTrigger => agent.on ?? 'phase';
