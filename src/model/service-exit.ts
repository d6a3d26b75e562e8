import type { LimitHit } from './run-limits.js';

/**
 * How a service process ended, as its `exit` event reported it: the fields the FixerAgent
 * decides on (SIGKILL or 137 is the OOM killer), kept as data rather than a sentence.
 */
export interface ServiceExit {
  /** The exit code, or null when a signal ended the process. */
  exitCode: number | null;
  /** The signal that ended the process (`SIGKILL`), or null when it exited by itself. */
  signal: string | null;
  /** The run limit the service ran into, read from the run's cgroup (absent: none). */
  limitHit?: LimitHit;
}

/**
 * The exit in words, for health details and supervisor events.
 *
 * @example
 * describeExit({ exitCode: null, signal: 'SIGKILL' }); // 'exited on SIGKILL'
 */
export function describeExit(exit: ServiceExit): string {
  return exit.signal ? `exited on ${exit.signal}` : `exited with code ${exit.exitCode}`;
}
