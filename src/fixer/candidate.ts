import type { RepoRunnerError } from '../model/errors.js';
import type { FixAction, FixSource } from '../model/fix-action.js';
import type { RunContext } from '../model/run-context.js';
import type { ErrorSignature } from './signature.js';

/** A candidate fix and where it came from (fix memory, the rule catalogue, a model). */
export interface Candidate {
  action: FixAction;
  source: FixSource;
}

/** Extra candidates (a model's proposals) asked for when memory and rules have none. */
export type ProposeMore = (
  ctx: RunContext,
  sig: ErrorSignature,
  error: RepoRunnerError,
) => Promise<{ candidates: Candidate[]; refused: Array<{ action: unknown; reason: string }> }>;
