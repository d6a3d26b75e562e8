import type { RepoView } from '../../repo/repo-view.js';
import type { CargoToml } from './cargo-toml.js';

/**
 * The member package directories of a workspace root manifest, relative to the repository
 * root, in the order listed: `[workspace].members` entries with simple globs (`*`, `?` within
 * one path segment, e.g. `crates/*`) expanded in name order, keeping only directories with a
 * Cargo.toml, minus `[workspace].exclude`. The root itself (`.`) is not included: a root
 * `[package]` is read by the caller. Source: https://doc.rust-lang.org/cargo/reference/workspaces.html#the-members-and-exclude-fields
 *
 * @example
 * await workspaceMembers(repo, { workspace: { members: ['crates/*'] } }); // ['crates/api', 'crates/core']
 */
export async function workspaceMembers(repo: RepoView, root: CargoToml): Promise<string[]> {
  const exclude = new Set((root.workspace?.exclude ?? []).map(normalise));
  const members: string[] = [];
  for (const pattern of root.workspace?.members ?? []) {
    for (const dir of await expand(repo, normalise(pattern))) {
      if (dir === '.' || exclude.has(dir) || members.includes(dir)) continue;
      if (await repo.hasFile(`${dir}/Cargo.toml`)) members.push(dir);
    }
  }
  return members;
}

/** Directories matching a pattern, one segment at a time. */
async function expand(repo: RepoView, pattern: string): Promise<string[]> {
  let dirs = ['.'];
  for (const segment of pattern.split('/')) {
    const next: string[] = [];
    for (const dir of dirs) {
      const join = (name: string) => (dir === '.' ? name : `${dir}/${name}`);
      if (!/[*?]/.test(segment)) {
        next.push(join(segment));
        continue;
      }
      const match = segmentRegExp(segment);
      for (const name of await repo.listDir(dir)) {
        if (match.test(name) && (await repo.hasDir(join(name)))) next.push(join(name));
      }
    }
    dirs = next;
  }
  return dirs;
}

function segmentRegExp(segment: string): RegExp {
  const body = segment
    .split('')
    .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/** `./crates/api/` → `crates/api`; `.` and `./` → `.`. */
function normalise(rel: string): string {
  const trimmed = rel.replace(/^\.\//, '').replace(/\/+$/, '');
  return trimmed === '' ? '.' : trimmed;
}
