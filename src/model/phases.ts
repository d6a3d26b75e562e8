/**
 * The phases of a run, in order (docs/architecture.md). Phases with no agent yet
 * ({@link UNBUILT_PHASES}) are recorded as skipped, so reports and checkpoints already have
 * their slots.
 */
export const PHASES = [
  'env',
  'fetch',
  'detect',
  'plan',
  'dependencies',
  'configure',
  'database',
  'index',
  'build',
  'start',
  'health',
  'fix',
  'report',
] as const;

/** One of {@link PHASES}. */
export type PhaseName = (typeof PHASES)[number];

/** Phases named in {@link PHASES} that nothing runs yet: the code search index. */
export const UNBUILT_PHASES: readonly PhaseName[] = ['index'];

/**
 * Phases whose effects are live processes, not files (database servers, services): after a
 * crash they cannot be taken from a checkpoint, so a resume that reaches them starts over
 * at the first of them. Servers restart on their data dir; migrations are idempotent.
 */
export const LIVE_PHASES: readonly PhaseName[] = ['database', 'start', 'health'];
