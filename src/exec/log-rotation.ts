import { constants } from 'node:fs';
import { lstat, open, rename, rm } from 'node:fs/promises';

/** How often a capped log's size is checked by default: every 1000 ms (one lstat). */
export const LOG_CHECK_INTERVAL_MS = 1000;

/** A running size cap on one log file (see {@link capLogFile}). */
export interface LogCap {
  /** Checks the size now and rotates when over the cap; resolves true when it rotated. */
  check(): Promise<boolean>;
  /** Stops the periodic check (the log stays as it is). */
  stop(): void;
}

const NOFOLLOW = constants.O_NOFOLLOW;

/**
 * Keeps a service log at most about `maxBytes`: when it is bigger, its content moves to
 * `<file>.1` (replacing the previous generation) and the file is truncated in place. The
 * service appends through its own O_APPEND descriptor (`spawnServiceProcess`), so renaming
 * the file would leave it writing to the old one: this is logrotate's `copytruncate`, and
 * like it, lines written between the copy and the truncation (a few ms) are lost.
 *
 * The run can write its run dir, so either name may be a symlink it planted: the log is
 * opened with O_NOFOLLOW, and `.1` is written as a new file then renamed over the name
 * (replacing a link, never writing through it). Cost: one lstat per interval, and a copy
 * of `maxBytes` per rotation.
 *
 * @example
 * const cap = capLogFile('runs/x/logs/web.log', 10 * 1024 * 1024);
 * // … on stop: cap.stop();
 */
export function capLogFile(
  file: string,
  maxBytes: number,
  intervalMs = LOG_CHECK_INTERVAL_MS,
): LogCap {
  let running = false;
  const check = async (): Promise<boolean> => {
    if (running) return false; // a slow copy is still going
    running = true;
    try {
      const st = await lstat(file).catch(() => null);
      if (!st?.isFile() || st.size <= maxBytes) return false;
      await rotate(file);
      return true;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check().catch(() => undefined), intervalMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}

/**
 * Copies `file` to `<file>.1` and truncates it.
 *
 * @throws Error when `file` is a symlink (ELOOP) or cannot be read.
 */
export async function rotate(file: string): Promise<void> {
  const tmp = `${file}.1.tmp-${process.pid}`;
  await rm(tmp, { force: true });
  const source = await open(file, constants.O_RDWR | NOFOLLOW);
  try {
    const target = await open(
      tmp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW,
      0o644,
    );
    try {
      const buf = Buffer.alloc(1024 * 1024);
      for (let pos = 0; ;) {
        const { bytesRead } = await source.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) break;
        await target.write(buf, 0, bytesRead);
        pos += bytesRead;
      }
    } finally {
      await target.close();
    }
    await rename(tmp, `${file}.1`);
    await source.truncate(0);
  } finally {
    await source.close();
    await rm(tmp, { force: true });
  }
}
