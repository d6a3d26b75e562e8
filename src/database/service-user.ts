import { chmodSync, chownSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { RepoRunnerError } from '../core/errors.js';
import { runCommand } from '../exec/run-command.js';
import { findProgram } from './find-server-binaries.js';

/** The unprivileged system account a server runs as when Repo Runner runs as root. */
export interface ServiceUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/**
 * The account to run a server as: null when we are not root (the server runs as us);
 * when we are root, the system user the Debian package created (`postgres`, `mysql`).
 * PostgreSQL refuses to run as root, and MariaDB only does so when told to; neither should.
 *
 * @throws RepoRunnerError `TOOLCHAIN_MISSING` when running as root and the account is missing.
 */
export async function serviceUserFor(name: string): Promise<ServiceUser | null> {
  if (process.getuid?.() !== 0) return null;
  const result = await runCommand(['getent', 'passwd', name], { cwd: '/' });
  const fields = result.stdout.trim().split(':');
  if (result.failed || fields.length < 7) {
    throw new RepoRunnerError(
      'TOOLCHAIN_MISSING',
      `running as root, and the system user ${name} to run the database as does not exist`,
      `create it (\`useradd --system --user-group --shell /usr/sbin/nologin ${name}\`), install the Debian package that creates it, or run Repo Runner as an unprivileged user`,
    );
  }
  return { name, uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] ?? '/' };
}

/**
 * `argv` run as `user` (unchanged when null). It uses `setpriv`, which execs the program
 * itself, so the server stays the leader of its process group and gets our SIGTERM as is;
 * `runuser` (the fallback) supervises its child and SIGKILLs it 2 s after a SIGTERM,
 * which would cut a database's clean shutdown short.
 */
export function runAs(user: ServiceUser | null, argv: string[]): string[] {
  if (!user) return argv;
  const setpriv = findProgram(['setpriv']);
  if (setpriv) {
    return [setpriv, `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', ...argv];
  }
  return [findProgram(['runuser']) ?? 'runuser', '-u', user.name, '--', ...argv];
}

/** `env` with HOME, USER and LOGNAME of `user` (unchanged when null). */
export function envFor(
  user: ServiceUser | null,
  env: Record<string, string>,
): Record<string, string> {
  return user ? { ...env, HOME: user.home, USER: user.name, LOGNAME: user.name } : env;
}

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(file, uid, gid);
    else if (!entry.isSymbolicLink()) chownSync(file, uid, gid);
  }
}

/**
 * Creates `dir` (mode 0700) and, when `user` is set, gives it to that user: the tree is
 * chowned when its top is not theirs yet, and every ancestor the user cannot enter gets
 * the search bit for others (`o+x`: enter, not list). Without it a data dir under a root
 * home (`/root` is 0700) is unreachable for the server; nothing else is widened.
 */
export function prepareDataDir(dir: string, user: ServiceUser | null): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!user) return;
  const top = statSync(dir);
  if (top.uid !== user.uid || top.gid !== user.gid) chownTree(dir, user.uid, user.gid);
  for (let d = path.dirname(realpathSync(dir)); ; d = path.dirname(d)) {
    const st = statSync(d);
    const canEnter =
      (st.mode & 0o001) !== 0 ||
      (st.uid === user.uid && (st.mode & 0o100) !== 0) ||
      (st.gid === user.gid && (st.mode & 0o010) !== 0);
    if (!canEnter) chmodSync(d, (st.mode & 0o7777) | 0o001);
    if (path.dirname(d) === d) break;
  }
}
