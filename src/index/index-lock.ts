import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

/** Another process is building the same index. */
export class IndexBusyError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `the index in ${dir} is being built by process ${pid}; wait for it, or search what is there`,
    );
    this.name = 'IndexBusyError';
  }
}

/** A held index lock. */
export interface IndexLock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lock files this process holds (a second build in the same process is refused too). */
const heldHere = new Set<string>();

/**
 * Takes `<dir>/build.lock` (created exclusively, holding this pid). A lock whose process is
 * gone (a build that was killed) is taken over.
 * @throws IndexBusyError when a live process, this one included, holds it.
 */
export async function acquireIndexLock(dir: string): Promise<IndexLock> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'build.lock');
  if (heldHere.has(file)) throw new IndexBusyError(dir, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      heldHere.add(file);
      return {
        release: async () => {
          heldHere.delete(file);
          await rm(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        throw new IndexBusyError(dir, pid);
      await rm(file, { force: true });
    }
  }
  throw new IndexBusyError(dir, -1);
}
