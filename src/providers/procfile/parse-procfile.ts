/** One process type of a Procfile. */
export interface ProcfileEntry {
  /** Process type, e.g. `web`, `worker`, `clock`. */
  name: string;
  /** The shell command line. */
  command: string;
}

/**
 * Parses a Procfile: one `<type>: <command>` per line, types of letters, digits, `_` and
 * `-`; blank lines and `#` comments ignored; a type given twice keeps the first (foreman's
 * format, https://devcenter.heroku.com/articles/procfile).
 */
export function parseProcfile(text: string): ProcfileEntry[] {
  const entries: ProcfileEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z0-9_-]+)\s*:\s*(.+)$/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    if (entries.some((e) => e.name === m[1])) continue;
    entries.push({ name: m[1], command: m[2].trim() });
  }
  return entries;
}
