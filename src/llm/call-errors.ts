import { APICallError, JSONParseError, TypeValidationError } from 'ai';

const MAX_DETAIL = 200;

const clip = (text: string): string =>
  text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;

/**
 * One line saying why a model call failed, from the error's fields (status code, error
 * class, cause), never from guessing at its text: `no answer within 20000 ms`,
 * `endpoint unreachable (ECONNREFUSED)`, `HTTP 500: ...`, `the response is not JSON`,
 * `the response JSON has the wrong shape`.
 *
 * @param timedOut whether the attempt's own timeout fired (the SDK reports it as an abort).
 */
export function describeCallError(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no answer within ${timeoutMs} ms`;
  if (APICallError.isInstance(err)) {
    const cause = err.cause;
    if (JSONParseError.isInstance(cause))
      return `the response is not JSON (HTTP ${err.statusCode ?? '?'})`;
    if (TypeValidationError.isInstance(cause)) return 'the response JSON has the wrong shape';
    if (err.statusCode !== undefined) return clip(`HTTP ${err.statusCode}: ${err.message}`);
    const code = (cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string'
      ? `endpoint unreachable (${code})`
      : clip(`endpoint unreachable: ${err.message}`);
  }
  if (JSONParseError.isInstance(err)) return 'the response is not JSON';
  if (TypeValidationError.isInstance(err)) return 'the response JSON has the wrong shape';
  if (err instanceof Error) return clip(`${err.name}: ${err.message}`);
  return clip(String(err));
}
