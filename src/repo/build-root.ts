import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** How many folders above the repository {@link enclosingBuildRoot} looks: 6. */
const MAX_LEVELS = 6;

/** `path = "../../axum"` in a Cargo manifest: a path dependency (or a workspace member path). */
const CARGO_PATH = /\bpath\s*=\s*"([^"]+)"/g;

/** The deepest folder holding every one of `dirs` (absolute paths). */
function commonAncestor(dirs: string[]): string {
  let common = dirs[0] ?? '/';
  for (const dir of dirs.slice(1)) {
    while (common !== '/' && dir !== common && !dir.startsWith(common + path.sep))
      common = path.dirname(common);
  }
  return common;
}

/** The folders the path dependencies of the manifest in `dir` point at (absolute). */
function cargoPathDeps(dir: string): string[] {
  let text: string;
  try {
    text = readFileSync(path.join(dir, 'Cargo.toml'), 'utf8');
  } catch {
    return [];
  }
  return [...text.matchAll(CARGO_PATH)].map((m) => path.resolve(dir, m[1] ?? '.'));
}

/**
 * The root of the build workspace a local folder is a member of, when the folder's own
 * build tool reads files above it: a Cargo package whose workspace root is above it (an
 * ancestor `Cargo.toml` with a `[workspace]` table: Cargo looks upward for it, reads the
 * member's inherited `edition.workspace = true` and `{ workspace = true }` dependencies from
 * it, and writes the workspace's `Cargo.lock` there), or whose path dependencies
 * (`axum = { path = "../../axum" }`, in its own or the workspace's manifest) lie outside
 * it: the deepest folder holding all of them. Looks at most {@link MAX_LEVELS} folders up
 * and not past the top of the git repository the folder is in (the folder holding `.git`).
 * Null when the folder needs nothing above it. Sources:
 * https://doc.rust-lang.org/cargo/reference/workspaces.html#root-package,
 * https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html#specifying-path-dependencies
 *
 * @param repoPath an existing folder (symlinks are resolved first)
 */
export function enclosingBuildRoot(repoPath: string): string | null {
  const start = realpathSync(repoPath);
  if (existsSync(path.join(start, '.git'))) return null;
  if (!existsSync(path.join(start, 'Cargo.toml'))) return null;
  // The highest folder the search may reach: MAX_LEVELS up, or the git top on the way.
  let limit = start;
  for (let level = 0; level < MAX_LEVELS; level++) {
    const parent = path.dirname(limit);
    if (parent === limit) break;
    limit = parent;
    if (existsSync(path.join(limit, '.git'))) break;
  }
  let workspace: string | null = null;
  for (let dir = path.dirname(start); ; dir = path.dirname(dir)) {
    try {
      if (/^\s*\[workspace\]/m.test(readFileSync(path.join(dir, 'Cargo.toml'), 'utf8'))) {
        workspace = dir;
        break;
      }
    } catch {
      // no manifest here: keep looking up
    }
    if (dir === limit || path.dirname(dir) === dir) break;
  }
  const needed = [start, ...cargoPathDeps(start)];
  if (workspace) needed.push(workspace, ...cargoPathDeps(workspace));
  const root = commonAncestor(needed);
  // Nothing above the folder, or more than the search may show.
  const within =
    root === limit || root.startsWith(limit.endsWith(path.sep) ? limit : limit + path.sep);
  if (root === start || !within) {
    return workspace && workspace !== start ? workspace : null;
  }
  return root;
}
