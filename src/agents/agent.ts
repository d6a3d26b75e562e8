import type { RepoRunnerError } from '../model/errors.js';
import type { RunContext } from '../model/run-context.js';
import type { PhaseName } from '../model/phases.js';
import type { RunState } from '../model/run-state.js';

/**
 * An agent performs one kind of work in one phase and returns a typed result, which the
 * pipeline stores under `produces` in the run state, in the phase checkpoint and in the
 * seeds' `agent_state_<name>.json`. Agents never print; they emit on `ctx.bus`.
 */
export interface Agent<K extends keyof RunState = keyof RunState> {
  /** The seeds' agent name, e.g. `EnvDetectorAgent`. */
  readonly name: string;
  /** Managers decide (their state file is `manager_state_<name>.json`); agents act. */
  readonly role?: 'agent' | 'manager';
  readonly phase: PhaseName;
  /** The part of the run state this agent fills. */
  readonly produces: K;
  run(ctx: RunContext): Promise<NonNullable<RunState[K]>>;
  /**
   * Whether a result that came back (did not throw) still fails the phase, e.g. a health
   * check that found a service down: the result is kept for the report either way.
   */
  judge?(result: NonNullable<RunState[K]>): RepoRunnerError | null;
}
