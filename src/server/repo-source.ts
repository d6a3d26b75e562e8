import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { assertPublicGitHost, type ResolveAll } from '../agents/git-host-check.js';
import { parseSource } from '../agents/git-source.js';
import { PathEscapeError, resolveInside } from '../repo/resolve-inside.js';
import { badRequest } from './refusals.js';

/** A source the server accepted: what the run is given, and the key its repo counts under. */
export interface CheckedSource {
  /** The source for the run: a real absolute path, or the git URL. */
  source: string;
  /** Normalised repository identity for quotas: `host/org/repo` or the real path. */
  repoKey: string;
  kind: 'path' | 'git';
}

const HINT_ROOTS = (roots: string[]) =>
  roots.length === 0
    ? 'this server takes git URLs only; start it with `repo-runner serve --repos-root <dir>` to allow local paths'
    : `local paths must be inside ${roots.join(' or ')} (relative paths are taken from there), or pass a git URL`;

/** Real paths of the configured repos roots. @throws Error naming a root that does not exist. */
export function resolveRoots(roots: string[]): string[] {
  return roots.map((r) => {
    const abs = path.resolve(r);
    if (!existsSync(abs) || !statSync(abs).isDirectory())
      throw new Error(`repos root ${abs} is not a directory`);
    return realpathSync(abs);
  });
}

/**
 * A local directory under one of `roots`, resolved with realpath (`resolveInside`), so `..`
 * and symlinks cannot leave the roots. `..` segments are refused outright. Symlinks inside
 * the directory are checked later, against the directory itself, by every reader of the
 * run (`RepoView`, the ConfigAgent, the static server).
 */
function checkLocal(given: string, roots: string[]): string {
  if (given.split(/[\\/]+/).includes('..'))
    throw badRequest(`path ${given} contains a ".." segment`, HINT_ROOTS(roots));
  if (roots.length === 0)
    throw badRequest('local paths are not accepted by this server', HINT_ROOTS(roots));
  const candidates = path.isAbsolute(given) ? [given] : roots.map((r) => path.join(r, given));
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw badRequest(`no directory ${given} under the repos roots`, HINT_ROOTS(roots));
  // The one resolver of the runs' paths: realpath, then inside one root or refused.
  const real = roots
    .map((root) => {
      try {
        return resolveInside(root, found);
      } catch (err) {
        if (err instanceof PathEscapeError) return null;
        throw err;
      }
    })
    .find((r) => r !== null);
  if (!real)
    throw badRequest(
      `path ${given} resolves outside the repos roots (to ${realpathSync(found)})`,
      HINT_ROOTS(roots),
    );
  if (!statSync(real).isDirectory())
    throw badRequest(
      `${given} is a file, not a directory`,
      'pass the folder that holds the project',
    );
  return real;
}

/** `host[:port]/path` of a git URL, lower-cased, without credentials, `.git` or slashes at the end. */
export function gitRepoKey(url: string): string {
  const scp = /^[^@/]+@([^:/]+):(.+)$/.exec(url);
  const [host, rest] = scp
    ? [scp[1] ?? '', scp[2] ?? '']
    : (() => {
        const u = new URL(url);
        return [u.port ? `${u.hostname}:${u.port}` : u.hostname, u.pathname];
      })();
  const tail = rest
    .replace(/\/{2,}/g, '/')
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/i, '');
  return `${host}/${tail}`.toLowerCase();
}

/**
 * Checks a run or plan source on the server. Local paths (and `file://` URLs) must be inside
 * the configured roots; git URLs take the CLI's rules (https, http, ssh, git; no `ext::`).
 *
 * @throws RefusalError 400 that says what was wrong and what is accepted.
 */
export function checkSource(input: string, roots: string[]): CheckedSource {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(input))
    throw badRequest('the source contains control characters', 'pass a path or a git URL');
  let parsed;
  try {
    parsed = parseSource(input);
  } catch (err) {
    throw badRequest(
      (err as Error).message,
      'pass a git URL (https, ssh, git) or a path under the repos roots',
    );
  }
  if (parsed.kind === 'path') {
    const real = checkLocal(parsed.path, roots);
    return { source: real, repoKey: real, kind: 'path' };
  }
  if (parsed.transport === 'file') {
    let file: string;
    try {
      file = decodeURIComponent(new URL(parsed.url).pathname);
    } catch {
      throw badRequest(`malformed file URL: ${input}`, HINT_ROOTS(roots));
    }
    const real = checkLocal(file, roots);
    return { source: `file://${real}`, repoKey: real, kind: 'git' };
  }
  return { source: parsed.url, repoKey: gitRepoKey(parsed.url), kind: 'git' };
}

/**
 * Refuses a checked git source whose host is or resolves to a loopback, link-local or
 * private address (see `assertPublicGitHost`); the FileAgent checks again right before the
 * clone, so a name re-pointed in between (DNS rebinding) is caught there.
 *
 * @throws RefusalError 400 naming the address.
 */
export async function checkPublicSource(
  checked: CheckedSource,
  resolve?: ResolveAll,
): Promise<void> {
  if (checked.kind !== 'git' || checked.source.startsWith('file://')) return;
  try {
    await assertPublicGitHost(checked.source, resolve);
  } catch (err) {
    throw badRequest((err as Error).message, (err as { hint?: string }).hint);
  }
}
