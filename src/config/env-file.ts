import { constants, copyFileSync, existsSync, lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { writeTextAtomic } from '../store/state-files.js';

/** Keys and values of a dotenv file (dotenv's own parser), in file order. */
export function parseEnvText(text: string): Record<string, string> {
  return dotenv.parse(text);
}

/** One `KEY=value` line, quoted when the value needs it (spaces, #, quotes, newlines). */
export function envLine(key: string, value: string): string {
  if (value === '' || /^[\w@%+=:,./-]*$/.test(value)) return `${key}=${value}`;
  return `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** What {@link mergeEnvFile} did. */
export interface EnvFileResult {
  /** Keys appended to the file. */
  added: string[];
  /** Keys whose value Repo Runner wrote on an earlier run and updated now. */
  refreshed: string[];
  /** Path of the copy of the user's previous file, when there was one and it gained keys. */
  backup: string | null;
  /** True when the file did not exist and was created. */
  created: boolean;
}

/** The comment that opens each block of keys Repo Runner adds to a dotenv file. */
const OUR_HEADER = /^# Added by Repo Runner on /;

/**
 * `text` with the value of each key in `refresh` that sits in a block Repo Runner wrote
 * (its header comment, then `KEY=value` lines up to the first other line) set to
 * `values[key]`: the run-specific values (a database's port and generated password, PORT)
 * that an earlier run wrote and this run changes. Lines the user wrote are never touched.
 */
function refreshOurValues(
  text: string,
  values: Record<string, string>,
  refresh: ReadonlySet<string>,
): { text: string; refreshed: string[] } {
  const refreshed: string[] = [];
  let ours = false;
  const lines = text.split('\n').map((line) => {
    if (OUR_HEADER.test(line)) {
      ours = true;
      return line;
    }
    const key = /^([A-Za-z_][A-Za-z0-9_.-]*)=/.exec(line)?.[1];
    if (!key) ours = false;
    if (!ours || !key || !refresh.has(key) || values[key] === undefined) return line;
    const next = envLine(key, values[key]);
    if (next !== line) refreshed.push(key);
    return next;
  });
  return { text: lines.join('\n'), refreshed };
}

/**
 * Adds `values` to the dotenv file at `file` without ever changing what the user wrote:
 * keys the file already has keep their value, missing ones are appended under a dated
 * comment. The one exception is `refresh`: keys Repo Runner itself wrote there on an earlier
 * run (under its comment) whose value belongs to the run (a database URL with its leased
 * port and generated password, PORT, HOST) get this run's value, so a re-run in the same
 * folder does not keep the last run's. When the file existed and gains keys, a copy of it
 * is kept first as `<file>.repo-runner-backup` (an older backup is never overwritten: a
 * numbered name is used). Writes atomically. `file` must already be resolved inside the
 * repository (`resolveInside`): this writes where it is told.
 */
export function mergeEnvFile(
  file: string,
  values: Record<string, string>,
  source: string,
  refresh: ReadonlySet<string> = new Set(),
): EnvFileResult {
  const existed = existsSync(file);
  const original = existed ? readFileSync(file, 'utf8') : '';
  const { text: before, refreshed } = refreshOurValues(original, values, refresh);
  const present = parseEnvText(before);
  // A key written with no value (`KEY=`) counts as present too: it is the user's choice.
  for (const m of before.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/gm))
    if (m[1]) present[m[1]] ??= '';
  const added = Object.keys(values).filter((k) => !(k in present));
  if (added.length === 0) {
    if (refreshed.length > 0) writeTextAtomic(file, before);
    return { added, refreshed, backup: null, created: false };
  }
  let backup: string | null = null;
  if (existed) {
    // lstat, not exists: a dangling link named like a backup is taken too, so the copy
    // never writes through a link the repository committed (EXCL backs that up).
    const taken = (f: string) => lstatSync(f, { throwIfNoEntry: false }) !== undefined;
    backup = `${file}.repo-runner-backup`;
    for (let i = 2; taken(backup); i++) backup = `${file}.repo-runner-backup-${i}`;
    copyFileSync(file, backup, constants.COPYFILE_EXCL);
  }
  const header = `# Added by Repo Runner on ${new Date().toISOString().slice(0, 10)} from ${source}`;
  const body = added.map((k) => envLine(k, values[k] ?? '')).join('\n');
  const sep = before === '' || before.endsWith('\n') ? '' : '\n';
  writeTextAtomic(file, `${before}${sep}${before === '' ? '' : '\n'}${header}\n${body}\n`);
  return { added, refreshed, backup: backup && path.resolve(backup), created: !existed };
}
