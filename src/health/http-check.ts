/** Result of one probe. */
export interface ProbeResult {
  ok: boolean;
  /** HTTP status, when an answer came. */
  status: number | null;
  detail: string;
}

/**
 * One HTTP GET to `url` with a per-request timeout. Healthy means any answer below 500
 * (a 404 still proves the server is up and serving): issue #2's readiness rule.
 */
export async function probeHttp(
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      redirect: 'manual',
    });
    await res.body?.cancel();
    return { ok: res.status < 500, status: res.status, detail: `HTTP ${res.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, status: null, detail: cause ?? (err as Error).name };
  }
}
