import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { RepoRunnerError } from '../model/errors.js';
import type { ServiceUser } from './service-user.js';

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(file, uid, gid);
    else if (!entry.isSymbolicLink()) chownSync(file, uid, gid);
  }
}

/** Gives `o+x` (enter, not list) to every ancestor of `dir` that `user` cannot enter. */
function grantSearchPath(dir: string, user: ServiceUser): void {
  for (let d = path.dirname(realpathSync(dir)); ; d = path.dirname(d)) {
    const st = statSync(d);
    const canEnter =
      (st.mode & 0o001) !== 0 ||
      (st.uid === user.uid && (st.mode & 0o100) !== 0) ||
      (st.gid === user.gid && (st.mode & 0o010) !== 0);
    if (!canEnter) chmodSync(d, (st.mode & 0o7777) | 0o001);
    if (path.dirname(d) === d) return;
  }
}

/**
 * Makes `dir` ready for a database server and tells whether it already holds its data
 * (`marker`, e.g. `PG_VERSION`, exists). The directory is created (0700) when missing; a
 * non-empty one without the marker is refused before anything in it is touched.
 *
 * When `user` is set (we are root; see serviceUserFor), `dir` is given to that user: the
 * tree is chowned when its top is not theirs yet, and every ancestor the user cannot enter
 * gets the search bit for others (`o+x`: enter, not list). Without it a data dir under a
 * root home (`/root` is 0700) is unreachable for the server; nothing else is widened.
 *
 * @throws RepoRunnerError `BAD_INPUT` when `dir` holds something else.
 */
export function ensureDataDir(
  dir: string,
  options: { marker: string; what: string; user: ServiceUser | null },
): boolean {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const initialized = existsSync(path.join(dir, options.marker));
  if (!initialized && readdirSync(dir).length > 0) {
    throw new RepoRunnerError(
      'BAD_INPUT',
      `${dir} is not empty and holds no ${options.what} data`,
      'point the data dir at an empty or new directory',
    );
  }
  const user = options.user;
  if (user) {
    const top = statSync(dir);
    if (top.uid !== user.uid || top.gid !== user.gid) chownTree(dir, user.uid, user.gid);
    grantSearchPath(dir, user);
  }
  return initialized;
}

/** Longest Unix socket path Linux accepts (`sun_path` is 108 bytes with the final NUL). */
export const MAX_SOCKET_PATH = 107;

/**
 * Refuses a socket path the server could not bind, before it starts: the socket lives in
 * the data dir, so a deep data dir fails here with a clear message, not in the server log.
 *
 * @throws RepoRunnerError `BAD_INPUT` when `file` is longer than {@link MAX_SOCKET_PATH} bytes.
 */
export function assertSocketPath(file: string): void {
  if (Buffer.byteLength(file) > MAX_SOCKET_PATH) {
    throw new RepoRunnerError(
      'BAD_INPUT',
      `the server's socket path ${file} is longer than ${MAX_SOCKET_PATH} bytes`,
      'use a shorter data dir path (e.g. set REPO_RUNNER_HOME to a short directory)',
    );
  }
}

/**
 * Where a server's Unix socket goes: `dataDir` when `socketName` fits there (the socket
 * path is at most {@link MAX_SOCKET_PATH} bytes), else a short folder of its own,
 * `<tmp>/rr-sock-<16 hex of sha256(dataDir)>` (0700, given to `user` when set): a data dir
 * under a deep run dir or repository path must not stop the database. The same data dir
 * always gets the same folder, which is emptied when made.
 */
export function socketDirFor(
  dataDir: string,
  socketName: string,
  user: ServiceUser | null,
  tmp: string = os.tmpdir(),
): string {
  if (Buffer.byteLength(path.join(dataDir, socketName)) <= MAX_SOCKET_PATH) return dataDir;
  const dir = path.join(
    tmp,
    `rr-sock-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`,
  );
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { mode: 0o700 });
  if (user) chownSync(dir, user.uid, user.gid);
  return dir;
}
