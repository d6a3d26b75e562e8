import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/**
 * Writes `data` as pretty JSON to `file` atomically: a temp file beside it, fsync, rename,
 * then fsync of the directory. A reader sees the old file or the new one, never half of one,
 * even after a crash or SIGKILL.
 */
export function writeJsonAtomic(file: string, data: unknown): void {
  // Serialize before creating the temp file, so a value that cannot be serialized leaves none.
  writeTextAtomic(file, `${JSON.stringify(data, null, 2)}\n`);
}

/**
 * Writes `text` to `file` atomically (temp file beside it, fsync, rename, fsync of the
 * directory), keeping the mode of a file it replaces.
 */
export function writeTextAtomic(file: string, text: string): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  let mode = 0o644;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    /* a new file */
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** The seeds' per-agent checkpoint file name: `agent_state_<Agent>.json`. */
export const agentStateFile = (dir: string, agent: string): string =>
  path.join(dir, `agent_state_${agent}.json`);

/** The seeds' per-manager checkpoint file name: `manager_state_<Manager>.json`. */
export const managerStateFile = (dir: string, manager: string): string =>
  path.join(dir, `manager_state_${manager}.json`);

/** The seeds' run state file: `run_state.json`. */
export const runStateFile = (dir: string): string => path.join(dir, 'run_state.json');
