import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Grace period between SIGTERM and SIGKILL when stopping a process group: 5000 ms. */
export const STOP_GRACE_MS = 5000;

/**
 * State letter and process group of `pid` from /proc/<pid>/stat (proc(5): the fields after
 * the parenthesised command name are `state ppid pgrp …`), or null when it cannot be read.
 */
function procStat(pid: number | string): { state: string; pgrp: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: state ?? '?', pgrp: Number(pgrp) };
  } catch {
    return null;
  }
}

/** True while any process of the group led by `pgid` is alive and not a zombie. */
export function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // kill(2) counts zombies, and killed orphans stay zombies while PID 1 does not reap them
  // (see isProcessAlive): look for a member that is not one.
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const st = procStat(name); // null: exited meanwhile
    if (st && st.pgrp === pgid && st.state !== 'Z') return true;
  }
  return false;
}

/**
 * True while the process `pid` exists and is not a zombie (an exited child nobody reaped:
 * in containers whose PID 1 does not reap, adopted orphans stay zombies).
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // Without /proc (not Linux) the signal-0 answer stands.
  return procStat(pid)?.state !== 'Z';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops a whole process group: SIGTERM, wait up to `graceMs` for every member to exit, then
 * SIGKILL. Resolves once the group is gone (or after the SIGKILL wait, 2 s).
 *
 * @returns `terminated` (exited on SIGTERM), `killed` (needed SIGKILL) or `gone` (was not running).
 */
export async function stopProcessGroup(
  pgid: number,
  graceMs = STOP_GRACE_MS,
): Promise<'terminated' | 'killed' | 'gone'> {
  if (!isGroupAlive(pgid)) return 'gone';
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isGroupAlive(pgid)) return 'terminated';
    await sleep(50);
  }
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* exited meanwhile */
  }
  const killDeadline = Date.now() + 2000;
  while (Date.now() < killDeadline && isGroupAlive(pgid)) await sleep(20);
  return 'killed';
}

/** Options of {@link spawnServiceProcess}. */
export interface SpawnServiceOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** stdout and stderr are appended to this file (created with its folder). */
  logFile: string;
}

/**
 * Starts a long-running service as the leader of a new process group, with stdout and
 * stderr appended straight to its log file: the service does not depend on our pipes, so it
 * survives a detaching CLI, and a stop can kill its whole tree with `kill(-pid)`.
 *
 * @throws Error when the program cannot be spawned (the `error` event, e.g. ENOENT).
 */
export async function spawnServiceProcess(
  options: SpawnServiceOptions,
): Promise<ChildProcess & { pid: number }> {
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'a');
  const [file, ...args] = options.argv;
  if (!file) throw new Error('empty start command');
  try {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    return child as ChildProcess & { pid: number };
  } finally {
    closeSync(fd);
  }
}
