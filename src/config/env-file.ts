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
  /** Path of the copy of the user's previous file, when there was one and it changed. */
  backup: string | null;
  /** True when the file did not exist and was created. */
  created: boolean;
}

/**
 * Adds `values` to the dotenv file at `file` without ever changing what is there: keys the
 * file already has keep their value, missing ones are appended under a dated comment. When
 * the file existed and gains keys, a copy of it is kept first as `<file>.repo-runner-backup`
 * (an older backup is never overwritten: a numbered name is used). Writes atomically.
 * `file` must already be resolved inside the repository (`resolveInside`): this writes
 * where it is told.
 */
export function mergeEnvFile(
  file: string,
  values: Record<string, string>,
  source: string,
): EnvFileResult {
  const existed = existsSync(file);
  const before = existed ? readFileSync(file, 'utf8') : '';
  const present = parseEnvText(before);
  // A key written with no value (`KEY=`) counts as present too: it is the user's choice.
  for (const m of before.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/gm))
    if (m[1]) present[m[1]] ??= '';
  const added = Object.keys(values).filter((k) => !(k in present));
  if (added.length === 0) return { added, backup: null, created: false };
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
  return { added, backup: backup && path.resolve(backup), created: !existed };
}
