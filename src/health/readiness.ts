import { setTimeout as sleep } from 'node:timers/promises';
import { probeHttp, type ProbeResult } from './http-check.js';
import { probeTcp } from './tcp-check.js';

/** Paths tried after the plan's own, in order (issue #2). */
export const FALLBACK_PATHS = ['/health', '/healthz', '/'];

/**
 * How long `/` may keep answering 5xx while a health path answers before the wait ends
 * unhealthy: 10 000 ms (an app still warming up gets that long; a broken front page does not
 * hold the run for the whole readiness timeout).
 */
export const ROOT_ERROR_GRACE_MS = 10_000;

/**
 * How long a service may answer nothing but 5xx (on every path tried) before the wait ends
 * unhealthy: 20 000 ms. It is up and failing (a database it cannot log in to, a missing
 * setting): waiting out the whole readiness timeout would only delay the cause in its log.
 */
export const SERVER_ERROR_GRACE_MS = 20_000;

/** What to wait for. Times in milliseconds. */
export interface ReadinessTarget {
  host: string;
  port: number;
  protocol: 'http' | 'tcp';
  /** The plan's health path, tried first. */
  path: string | null;
  timeoutMs: number;
  /** Returns a reason when the service's process is gone, so waiting can stop at once. */
  exited?: () => string | null;
  /**
   * Asked, at most once a second, while nothing answers on `port`: the port to probe from
   * now on (a service that listens on its own port, not the one it was given), or null to
   * keep probing `port` (also after the caller re-routed it).
   */
  retarget?: () => Promise<number | null>;
  signal?: AbortSignal;
}

/** Outcome of waiting for readiness. */
export interface ReadinessResult {
  ready: boolean;
  /** The URL that answered (http), when ready. */
  url: string | null;
  /** The port probed last (differs from the target's when `retarget` moved it). */
  port: number;
  detail: string;
  waitedMs: number;
}

/** Host to connect to for a bind address: a wildcard bind is reached on loopback. */
export function connectHost(bindHost: string): string {
  if (bindHost === '0.0.0.0' || bindHost === '') return '127.0.0.1';
  if (bindHost === '::') return '::1';
  return bindHost;
}

const urlHost = (h: string) => (h.includes(':') ? `[${h}]` : h);

/**
 * How long readiness is polled at a flat {@link FAST_POLL_INTERVAL_MS} before backing off, in
 * ms. Most web apps listen within 2 s of starting (the fixture corpus: 0.2-1.5 s warm); a
 * backoff there would see them up to a whole step late (50, 75, 112, 168, 253 ms…), which on
 * a warm re-run is more than everything else the run does. A probe of a local port that is
 * not listening yet costs a refused connect.
 */
export const FAST_POLL_MS = 2000;

/** The readiness poll interval during {@link FAST_POLL_MS}, and the first backoff step, in ms. */
export const FAST_POLL_INTERVAL_MS = 50;

/**
 * Waits until a service answers: HTTP GET on each candidate path until one gets a non-5xx
 * answer and `/` (what a user opens) does not answer 5xx either (for {@link
 * ROOT_ERROR_GRACE_MS} it may, then the wait ends unhealthy naming both answers); the
 * detail names the paths probed and their status, or a TCP connect: every
 * {@link FAST_POLL_INTERVAL_MS} for the first {@link FAST_POLL_MS}, then with backoff growing
 * by half to at most 1 s, until `timeoutMs`.
 * Stops early when the process exits or the signal aborts.
 */
export async function waitForReady(t: ReadinessTarget): Promise<ReadinessResult> {
  const started = Date.now();
  const host = connectHost(t.host);
  const paths = [...new Set([...(t.path ? [t.path] : []), ...FALLBACK_PATHS])];
  let delay = FAST_POLL_INTERVAL_MS;
  let port = t.port;
  let lastRetarget = 0;
  let last: ProbeResult = { ok: false, status: null, detail: 'not probed yet' };
  let rootFailingSince: number | null = null;
  let erroringSince: number | null = null;
  const done = (ready: boolean, url: string | null, detail: string): ReadinessResult => ({
    ready,
    url,
    port,
    detail,
    waitedMs: Date.now() - started,
  });
  while (Date.now() - started < t.timeoutMs) {
    if (t.signal?.aborted) return done(false, null, 'interrupted');
    const gone = t.exited?.();
    if (gone) return done(false, null, gone);
    if (t.protocol === 'tcp') {
      last = await probeTcp(host, port, 2000);
      if (last.ok) return done(true, null, 'TCP connect');
    } else {
      for (const p of paths) {
        const url = `http://${urlHost(host)}:${port}${p}`;
        last = await probeHttp(url, 2000, t.signal);
        if (!last.ok) {
          if (last.status === null) {
            erroringSince = null;
            break; // nothing listening yet: no point trying other paths
          }
          continue;
        }
        const answered = `GET ${p} → ${last.detail}`;
        if (p === '/') return done(true, url, answered);
        // What a user sees is `/`: a 5xx there is not healthy, whatever a health route says.
        const root = await probeHttp(`http://${urlHost(host)}:${port}/`, 2000, t.signal);
        if (root.status === null || root.ok) {
          return done(true, url, `${answered}, GET / → ${root.detail}`);
        }
        rootFailingSince ??= Date.now();
        last = {
          ok: false,
          status: root.status,
          detail: `GET / → ${root.detail} while ${answered}`,
        };
        if (Date.now() - rootFailingSince >= ROOT_ERROR_GRACE_MS) {
          return done(false, null, `${last.detail}: the app is up but its front page fails`);
        }
        break;
      }
    }
    // Every path answered 5xx this round: up, but failing.
    if (t.protocol === 'http' && !last.ok && last.status !== null && last.status >= 500) {
      erroringSince ??= Date.now();
      if (rootFailingSince === null && Date.now() - erroringSince >= SERVER_ERROR_GRACE_MS) {
        return done(
          false,
          null,
          `answers ${last.detail} on every path (${paths.join(', ')}) for ${SERVER_ERROR_GRACE_MS / 1000} s: the app is up but failing`,
        );
      }
    } else erroringSince = null;
    // Nothing answers (no HTTP status, or no TCP connect): is it listening somewhere else?
    if (t.retarget && !last.ok && last.status === null && Date.now() - lastRetarget >= 1000) {
      lastRetarget = Date.now();
      const moved = await t.retarget().catch(() => null);
      if (moved !== null) port = moved;
    }
    // The wait must end on abort too, or Ctrl-C waits it out.
    await sleep(delay, undefined, { signal: t.signal }).catch(() => undefined);
    if (Date.now() - started >= FAST_POLL_MS) delay = Math.min(Math.round(delay * 1.5), 1000);
  }
  return done(false, null, `no answer within ${t.timeoutMs} ms (last: ${last.detail})`);
}
