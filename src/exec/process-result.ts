import type { ProcessResult } from '../model/process-result.js';

/** Bytes of stdout and of stderr kept in a ProcessResult (the tail is kept). 64 KiB. */
export const MAX_CAPTURE_BYTES = 64 * 1024;

/** Longest line kept by {@link outputTail}: 400 characters (pip prints one line per 1,000 versions). */
export const MAX_TAIL_LINE = 400;

/**
 * The last `lines` non-empty lines of the combined output, each cut to
 * {@link MAX_TAIL_LINE} characters, for error messages and reports.
 */
export function outputTail(result: Pick<ProcessResult, 'stdout' | 'stderr'>, lines = 20): string[] {
  const all = `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => l.trim() !== '');
  return all
    .slice(-lines)
    .map((l) => (l.length > MAX_TAIL_LINE ? `${l.slice(0, MAX_TAIL_LINE)}…` : l));
}
