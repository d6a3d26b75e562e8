import type { Details } from './types.js';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[ -/]*[@-~]`, 'g');

/**
 * A log line as a terminal shows it: colour codes removed, only the text after the last
 * carriage return (progress bars redraw with `\r`), trailing blanks dropped.
 */
export function cleanLine(line: string): string {
  const parts = line.replace(ANSI, '').split('\r');
  return (parts.filter((p) => p.trim() !== '').pop() ?? '').trimEnd();
}

/** The non-empty, cleaned lines of `text`. */
export function logLines(text: string): string[] {
  return text
    .split('\n')
    .map(cleanLine)
    .filter((l) => l.trim() !== '');
}

/** A regex match and the index of the line it was found on. */
export interface LineMatch {
  m: RegExpExecArray;
  at: number;
}

/** The nearest line before `at` (at most `max` lines back) matching `re`. */
export function findBefore(
  lines: readonly string[],
  at: number,
  re: RegExp,
  max: number,
): LineMatch | null {
  for (let i = at - 1; i >= 0 && i >= at - max; i--) {
    const m = re.exec(lines[i] ?? '');
    if (m) return { m, at: i };
  }
  return null;
}

/** The nearest line after `at` (at most `max` lines on) matching `re`. */
export function findAfter(
  lines: readonly string[],
  at: number,
  re: RegExp,
  max: number,
): LineMatch | null {
  for (let i = at + 1; i < lines.length && i <= at + max; i++) {
    const m = re.exec(lines[i] ?? '');
    if (m) return { m, at: i };
  }
  return null;
}

/** Lines `at - before` to `at + after`, joined with newlines. */
export function around(lines: readonly string[], at: number, before: number, after: number) {
  return lines.slice(Math.max(0, at - before), at + after + 1).join('\n');
}

/** One message format: a pattern and what to take from its match (null: not this after all). */
export type Extractor = readonly [RegExp, (m: RegExpExecArray) => Details | null];

/** The details of the first extractor whose pattern matches `line` and accepts the match. */
export function matchTable(line: string, table: readonly Extractor[]): Details | null {
  for (const [re, take] of table) {
    const m = re.exec(line);
    const details = m ? take(m) : null;
    if (details) return details;
  }
  return null;
}

/** `values` without its undefined and empty entries, as Details. */
export function compact(values: Record<string, string | undefined | null>): Details {
  const out: Details = {};
  for (const [k, v] of Object.entries(values)) if (v) out[k] = v;
  return out;
}

/**
 * Directories build tools write to: tsc/vite/webpack (`dist`, `build`, `out`), Next.js
 * (`.next`), Nuxt (`.nuxt`, `.output`), SvelteKit (`.svelte-kit`), Cargo/Maven (`target`).
 */
export const BUILD_DIRS: ReadonlySet<string> = new Set([
  'dist',
  'build',
  'out',
  '.next',
  '.nuxt',
  '.output',
  '.svelte-kit',
  'target',
]);

/** True for a path inside a build output directory (and not inside node_modules). */
export function isBuildPath(path: string): boolean {
  const parts = path.replace(/^file:\/\//, '').split(/[\\/]/);
  return !parts.includes('node_modules') && parts.some((p) => BUILD_DIRS.has(p));
}

/** True for a module specifier that names a file (`./x`, `../x`, `/x`, `file:`, `C:\x`). */
export function isPathSpecifier(spec: string): boolean {
  return /^(?:\.{1,2}[\\/]|\/|file:|[A-Za-z]:[\\/])/.test(spec);
}

/** `host:port` (`:::3000`, `0.0.0.0:3000`, `[::1]:3000`) split; the host without brackets. */
export function splitHostPort(address: string): { host?: string; port?: string } {
  const i = address.lastIndexOf(':');
  if (i < 0 || !/^\d+$/.test(address.slice(i + 1))) return {};
  const host = address.slice(0, i).replace(/^\[|\]$/g, '');
  return { ...(host ? { host } : {}), port: address.slice(i + 1) };
}

/** The program of a ProcessResult's display command (its first word). */
export function programOf(command: string): string | undefined {
  return command.trim().split(/\s+/)[0] || undefined;
}
