import { setTimeout as sleep } from 'node:timers/promises';
import { probeHttp, type ProbeResult } from './http-check.js';
import { probeTcp } from './tcp-check.js';

/** Paths tried after the plan's own, in order (issue #2). */
export const FALLBACK_PATHS = ['/health', '/healthz', '/'];

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
  signal?: AbortSignal;
}

/** Outcome of waiting for readiness. */
export interface ReadinessResult {
  ready: boolean;
  /** The URL that answered (http), when ready. */
  url: string | null;
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
 * Waits until a service answers: HTTP GET on each candidate path until one gets a non-5xx
 * answer, or a TCP connect, with backoff from 50 ms growing by half to at most 1 s (a local
 * port is cheap to poll; a fast app is seen ready within ~50 ms), until `timeoutMs`.
 * Stops early when the process exits or the signal aborts.
 */
export async function waitForReady(t: ReadinessTarget): Promise<ReadinessResult> {
  const started = Date.now();
  const host = connectHost(t.host);
  const paths = [...new Set([...(t.path ? [t.path] : []), ...FALLBACK_PATHS])];
  let delay = 50;
  let last: ProbeResult = { ok: false, status: null, detail: 'not probed yet' };
  while (Date.now() - started < t.timeoutMs) {
    if (t.signal?.aborted)
      return { ready: false, url: null, detail: 'interrupted', waitedMs: Date.now() - started };
    const gone = t.exited?.();
    if (gone) return { ready: false, url: null, detail: gone, waitedMs: Date.now() - started };
    if (t.protocol === 'tcp') {
      last = await probeTcp(host, t.port, 2000);
      if (last.ok)
        return { ready: true, url: null, detail: 'TCP connect', waitedMs: Date.now() - started };
    } else {
      for (const p of paths) {
        const url = `http://${urlHost(host)}:${t.port}${p}`;
        last = await probeHttp(url, 2000, t.signal);
        if (last.ok)
          return { ready: true, url, detail: last.detail, waitedMs: Date.now() - started };
        if (last.status === null) break; // nothing listening yet: no point trying other paths
      }
    }
    // The wait must end on abort too, or Ctrl-C waits it out.
    await sleep(delay, undefined, { signal: t.signal }).catch(() => undefined);
    delay = Math.min(Math.round(delay * 1.5), 1000);
  }
  return {
    ready: false,
    url: null,
    detail: `no answer within ${t.timeoutMs} ms (last: ${last.detail})`,
    waitedMs: Date.now() - started,
  };
}
