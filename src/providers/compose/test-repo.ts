import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RepoView } from '../../repo/repo-view.js';

/**
 * Test helper: writes `files` (relative path → content) into a fresh temp directory, runs
 * `fn` over a {@link RepoView} of it, and removes the directory.
 */
export async function withRepo<T>(
  files: Record<string, string>,
  fn: (repo: RepoView) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-compose-'));
  try {
    for (const [rel, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), content);
    }
    return await fn(new RepoView(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
