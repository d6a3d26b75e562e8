/**
 * How the Supervisor restarts a crashed service, and when it gives up: systemd's model
 * (systemd.unit(5) `StartLimitIntervalSec=`/`StartLimitBurst=`, systemd.service(5)
 * `RestartSec=`, `RestartSteps=`/`RestartMaxDelaySec=`): restarts are delayed with a growing
 * backoff, and more than `burst` restarts within `intervalMs` put the service in `failed`,
 * where it stays until someone acts (`repo-runner resume` or a new run).
 *
 * systemd's own defaults are 5 starts in 10 s with a fixed 100 ms delay; with a doubling
 * backoff from 1 s, five restarts take 31 s, so the window here is 60 s: a service that
 * crashes at once is given up after 5 restarts, about 31 s after its first crash. A service
 * that stays up `stableAfterMs` between crashes starts its backoff over and never trips the
 * limit (a crash once a minute is a flaky service, not a crash loop).
 */
export interface RestartPolicy {
  /** Restarts allowed within `intervalMs` (systemd `StartLimitBurst`): 5. */
  burst: number;
  /** The window the restarts are counted in, in ms (systemd `StartLimitIntervalSec`): 60 000. */
  intervalMs: number;
  /** Delay before the first restart, in ms; doubles on each restart: 1000. */
  backoffStartMs: number;
  /** Largest delay between restarts, in ms: 30 000. */
  backoffMaxMs: number;
  /** A service up this long (ms) starts its backoff over: 60 000. */
  stableAfterMs: number;
  /** How often each process is checked, in ms: 1000. */
  checkEveryMs: number;
  /** How often each HTTP service's liveness is probed, in ms: 10 000. */
  livenessEveryMs: number;
  /** Liveness failures in a row that restart a hung service: 3. */
  livenessFailures: number;
  /** Log lines kept in the report of a service given up: 20. */
  logTailLines: number;
}

/** The default {@link RestartPolicy} (numbers documented in docs/cli.md "Supervision"). */
export const RESTART_POLICY: Readonly<RestartPolicy> = Object.freeze({
  burst: 5,
  intervalMs: 60_000,
  backoffStartMs: 1000,
  backoffMaxMs: 30_000,
  stableAfterMs: 60_000,
  checkEveryMs: 1000,
  livenessEveryMs: 10_000,
  livenessFailures: 3,
  logTailLines: 20,
});

/**
 * True when one more restart would exceed the burst limit: `burst` restarts already happened
 * within the last `intervalMs` before `now` (times in ms since the epoch).
 *
 * @example
 * startLimitHit([0, 1000, 3000, 7000, 15000], 31_000, RESTART_POLICY) // true
 */
export function startLimitHit(
  restartTimes: readonly number[],
  now: number,
  p: RestartPolicy,
): boolean {
  return restartTimes.filter((t) => now - t < p.intervalMs).length >= p.burst;
}
