import type { LimitHit } from './run-limits.js';

/**
 * A finished command as data (modelled on execa's result): decide on these fields, never on
 * message text. Output is capped (see `MAX_CAPTURE_BYTES` in exec/process-result); the full
 * output of long commands goes to their log file. The type lives in the model layer so
 * errors (`StepFailedError`) can carry it.
 */
export interface ProcessResult {
  /** argv joined for display. */
  command: string;
  cwd: string;
  /** True when the command did not exit 0 (spawn error, non-zero exit, signal or timeout). */
  failed: boolean;
  timedOut: boolean;
  /** True when stopped by the run's AbortSignal. */
  aborted: boolean;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all (e.g. ENOENT: not on PATH). */
  spawnError: string | null;
  /** The run limit the command ran into, read from its cgroup (absent: none, or not known). */
  limitHit?: LimitHit;
}
