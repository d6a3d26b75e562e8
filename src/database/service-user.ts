import { RepoRunnerError } from '../model/errors.js';
import { runCommand } from '../exec/run-command.js';
import { findProgram } from './find-server-binaries.js';

import type { ServiceUser } from './types.js';

export type { ServiceUser } from './types.js';

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
