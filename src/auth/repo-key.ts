import path from 'node:path';

/**
 * The key `claimRepo` counts a repository by, so the same repository given two ways counts
 * once: for a URL (`https:`, `ssh:`, `git:`, `file:`, or scp-like `git@host:org/repo`), host
 * lower-cased, credentials, query, fragment, a trailing `/` and `.git` dropped, and the scheme
 * left out (`https://host/org/repo.git` and `git@host:org/repo` are one repository); for a
 * local path, the absolute path (resolved against `cwd`) without a trailing separator.
 *
 * @example
 * repoKeyOf('https://GitHub.com/org/app.git/'); // 'github.com/org/app'
 * repoKeyOf('git@github.com:org/app.git');      // 'github.com/org/app'
 * repoKeyOf('./app', '/home/me');               // '/home/me/app'
 */
export function repoKeyOf(source: string, cwd = process.cwd()): string {
  const s = source.trim();
  const scp = /^[\w.-]+@([\w.-]+):(?!\/)(.+)$/.exec(s);
  if (scp) return `${scp[1]!.toLowerCase()}/${tidy(scp[2]!)}`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    try {
      const u = new URL(s);
      if (u.protocol === 'file:') return stripSlash(path.resolve(decodeURIComponent(u.pathname)));
      return `${u.host.toLowerCase()}/${tidy(u.pathname)}`;
    } catch {
      return s;
    }
  }
  return stripSlash(path.resolve(cwd, s));
}

const tidy = (p: string) =>
  p
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
const stripSlash = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);
