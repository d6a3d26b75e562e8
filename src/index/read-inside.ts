import { constants } from 'node:fs';
import { open, readlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reads `rel` inside `root` without ever following a symlink out: the file is opened with
 * `O_NOFOLLOW` (a symlink as the last component fails), must be a regular file, and the
 * path the kernel says the open descriptor has (`/proc/self/fd/<n>`) must lie inside
 * `root` — which also catches a folder on the way swapped for a symlink after the walk
 * (the repository's own code runs while the index builds).
 *
 * @param root the repository's real path (symlinks resolved).
 * @returns the bytes, or null when the file is gone, is not a regular file, or escapes root.
 */
export async function readInside(
  root: string,
  rel: string,
  maxBytes: number,
): Promise<Buffer | null> {
  const abs = path.join(root, rel);
  let handle;
  try {
    handle = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > maxBytes) return null;
    const real = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => null);
    if (real === null || !(real === root || real.startsWith(root + path.sep))) return null;
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
