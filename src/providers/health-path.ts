/** Health routes a provider recognises in source text, in the order they are preferred. */
const HEALTH_ROUTES = ['/health', '/healthz'] as const;

/**
 * The health route a source file clearly defines, or null. A route counts only as a whole
 * quoted string literal (`'/health'`, `"/healthz"` or a backtick literal), so `/healthcheck`
 * or a comment mentioning health does not match. When both appear, `/health` wins.
 *
 * Used by the Python and Node providers for `ServiceSpec.healthPath`; the readiness check
 * still falls back to `/health`, `/healthz` and `/` on its own.
 *
 * @example
 * findHealthPath("@app.get('/healthz')\ndef ok(): ...") // '/healthz'
 */
export function findHealthPath(source: string | null): string | null {
  if (source === null) return null;
  for (const route of HEALTH_ROUTES) {
    const literal = new RegExp(`(['"\`])${route}\\1`);
    if (literal.test(source)) return route;
  }
  return null;
}
