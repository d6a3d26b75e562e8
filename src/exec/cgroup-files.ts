import { readFileSync, rmdirSync, writeFileSync } from 'node:fs';

/** The text of a cgroup file, or null when it does not exist (group gone, controller absent). */
export function readCgroupText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** A cgroup file holding one number (`pids.current`), or 0 when it cannot be read. */
export function readCgroupNumber(file: string): number {
  const n = Number(readCgroupText(file)?.trim());
  return Number.isFinite(n) ? n : 0;
}

/** One key of a flat-keyed cgroup file (`oom_kill 1`, `max 3`), or 0 when absent. */
export function readCgroupKey(file: string, key: string): number {
  for (const line of (readCgroupText(file) ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k === key) return Number(v) || 0;
  }
  return 0;
}

/**
 * Writes one value to a cgroup file.
 *
 * @throws Error naming the file when the kernel refuses the value.
 */
export function writeCgroupFile(file: string, value: string | number): void {
  try {
    writeFileSync(file, String(value));
  } catch (err) {
    throw new Error(`cannot write ${value} to ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The live members listed in a `cgroup.procs` file, zombies left out (they cannot be killed). */
export function liveMembers(procsFile: string): number[] {
  const text = readCgroupText(procsFile) ?? '';
  return text
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => pid > 0 && !isZombie(pid));
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return true; // exited meanwhile: nothing left to kill
  }
}

/**
 * Removes a group directory; retries while the kernel still calls it busy (members that were
 * just killed are released asynchronously). Missing counts as removed.
 *
 * @throws Error when it is still busy after `timeoutMs` (default 2000 ms).
 */
export async function removeCgroupDir(dir: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || Date.now() > deadline)
        throw new Error(`cannot remove cgroup ${dir}: ${(err as Error).message}`, { cause: err });
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
