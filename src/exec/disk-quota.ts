import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Entries a size walk reads at most before it stops with a lower bound: 200,000. */
export const MAX_WALK_ENTRIES = 200_000;

/** How often the run dir's size is checked by default: every 30 s. */
export const DISK_CHECK_INTERVAL_MS = 30_000;

/** Entries walked between yields to the event loop, so a walk never blocks it for long. */
const BATCH = 2000;

/** The disk use of a directory tree. */
export interface DirSize {
  /** Bytes allocated on disk (st_blocks × 512, like `du`), hard links counted once. */
  bytes: number;
  /** Entries (files, directories, links) read. */
  entries: number;
  /** False when the walk stopped at its entry bound: `bytes` is then a lower bound. */
  complete: boolean;
}

/**
 * Measures a directory tree like `du -s`: lstat only, so a symlink the run planted is
 * counted as a link and never followed out of the tree. The walk reads at most `maxEntries`
 * entries and yields to the event loop every 2000, so its cost is bounded whatever the run
 * puts there: about 25 µs per entry on this machine (node_modules, 16,700 entries: 0.4 s;
 * see test/limits.test.ts), so the 200,000-entry bound is about 5 s of walking, which at the
 * default 30 s interval is at most a sixth of one core per run, and usually far less. Entries that
 * vanish or cannot be read during the walk are skipped.
 */
export async function dirSize(dir: string, maxEntries = MAX_WALK_ENTRIES): Promise<DirSize> {
  const seen = new Set<string>();
  const stack = [dir];
  let bytes = 0;
  let entries = 0;
  while (stack.length > 0) {
    const current = stack.pop() as string;
    let names: string[];
    try {
      names = readdirSync(current);
    } catch {
      continue;
    }
    for (const name of names) {
      if (entries >= maxEntries) return { bytes, entries, complete: false };
      entries++;
      if (entries % BATCH === 0) await new Promise((r) => setImmediate(r));
      const full = path.join(current, name);
      let st;
      try {
        st = lstatSync(full, { bigint: false });
      } catch {
        continue;
      }
      if (st.nlink > 1 && !st.isDirectory()) {
        const id = `${st.dev}:${st.ino}`;
        if (seen.has(id)) continue;
        seen.add(id);
      }
      bytes += st.blocks * 512;
      if (st.isDirectory()) stack.push(full);
    }
  }
  return { bytes, entries, complete: true };
}

/** A running disk quota check on a run dir (see {@link watchDiskQuota}). */
export interface DiskQuotaWatch {
  /** Measures now; calls `onExceeded` (once per watch) when over the quota. */
  check(): Promise<DirSize & { exceeded: boolean }>;
  stop(): void;
}

/**
 * Checks the size of `dir` every `intervalMs` and calls `onExceeded` once when it is over
 * `limitBytes` (the caller stops the run and records `limitHit: 'disk-quota'`). A run can
 * write `rate × interval` past the quota before it is seen: the quota is a bound on what a
 * run keeps, not a filesystem quota (none is available on a shared filesystem without
 * root-configured project quotas).
 */
export function watchDiskQuota(
  dir: string,
  limitBytes: number,
  onExceeded: (size: DirSize) => void,
  intervalMs = DISK_CHECK_INTERVAL_MS,
): DiskQuotaWatch {
  let fired = false;
  let running: Promise<DirSize & { exceeded: boolean }> | null = null;
  const check = () => {
    running ??= dirSize(dir)
      .then((size) => {
        const exceeded = size.bytes > limitBytes;
        if (exceeded && !fired) {
          fired = true;
          onExceeded(size);
        }
        return { ...size, exceeded };
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void check().catch(() => undefined), intervalMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}

/** Runs whose directory went over their disk quota in this process (see {@link recordDiskQuotaHit}). */
const quotaHits = new Set<string>();

/**
 * Records that a run went over its disk quota: every failure of its commands and services
 * from now on carries `limitHit: 'disk-quota'` (see {@link diskQuotaHit}), which the fixer
 * classifies as such and does not retry.
 */
export function recordDiskQuotaHit(runId: string): void {
  quotaHits.add(runId);
}

/** True when {@link recordDiskQuotaHit} was called for the run in this process. */
export function diskQuotaHit(runId: string): boolean {
  return quotaHits.has(runId);
}

/** Forgets a run's disk quota hit (it was stopped; a resume measures afresh). */
export function clearDiskQuotaHit(runId: string): void {
  quotaHits.delete(runId);
}
