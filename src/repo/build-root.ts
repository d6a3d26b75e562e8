import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** How many folders above the repository {@link enclosingBuildRoot} looks: 6. */
const MAX_LEVELS = 6;

/**
 * The root of the build workspace a local folder is a member of, when the folder's own
 * build tool reads files above it: a Cargo workspace (an ancestor `Cargo.toml` with a
 * `[workspace]` table: Cargo looks upward for it, reads the member's inherited
 * `edition.workspace = true` and `{ workspace = true }` dependencies from it, and writes
 * the workspace's `Cargo.lock` there). Looks at most {@link MAX_LEVELS} folders up and not
 * past the top of the git repository the folder is in (the folder holding `.git`). Null
 * when the folder is not a member, or is itself the root. Source:
 * https://doc.rust-lang.org/cargo/reference/workspaces.html#root-package
 *
 * @param repoPath an existing folder (symlinks are resolved first)
 */
export function enclosingBuildRoot(repoPath: string): string | null {
  let dir = realpathSync(repoPath);
  if (existsSync(path.join(dir, '.git'))) return null;
  if (!existsSync(path.join(dir, 'Cargo.toml'))) return null;
  for (let level = 0; level < MAX_LEVELS; level++) {
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
    const manifest = path.join(dir, 'Cargo.toml');
    try {
      if (/^\s*\[workspace\]/m.test(readFileSync(manifest, 'utf8'))) return dir;
    } catch {
      // no manifest here: keep looking up
    }
    if (existsSync(path.join(dir, '.git'))) return null;
  }
  return null;
}
