/**
 * The phases of a run, in order (docs/architecture.md). A phase with no registered agent is
 * recorded as skipped, so reports and checkpoints always have its slot.
 */
export const PHASES = [
  'env',
  'fetch',
  'detect',
  'plan',
  // The ContextIndexer only starts the index build here, in the background: right after the
  // plan, so the build overlaps the installs and adds nothing to time-to-healthy.
  'index',
  'dependencies',
  'configure',
  'database',
  'build',
  'start',
  'health',
  'fix',
  'report',
] as const;

/** One of {@link PHASES}. */
export type PhaseName = (typeof PHASES)[number];

/**
 * Phases whose effects are live processes, not files (database servers, services): after a
 * crash they cannot be taken from a checkpoint, so a resume that reaches them starts over
 * at the first of them. Servers restart on their data dir; migrations are idempotent.
 */
export const LIVE_PHASES: readonly PhaseName[] = ['database', 'start', 'health'];
