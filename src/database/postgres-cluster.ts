import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PostgresBinaries } from './find-server-binaries.js';
import { runServerInit, type SqlServer } from './server-start.js';

/**
 * Creates a PostgreSQL cluster in the empty `dataDir` with `initdb`: `user` is its
 * superuser with `password` (from a 0600 file, never argv), TCP logins need that password
 * (scram-sha-256) and Unix-socket logins are trusted (the socket sits in the 0700 data dir).
 * Runs as the server's account when we are root (see serviceUserFor).
 *
 * @throws RepoRunnerError `START_FAILED` with initdb's output when it fails.
 */
export async function initPostgresCluster(server: SqlServer<PostgresBinaries>): Promise<void> {
  const { dataDir, runUser, o } = server;
  const pwDir = mkdtempSync(path.join(os.tmpdir(), 'rr-initdb-'));
  const pwFile = path.join(pwDir, 'password');
  try {
    writeFileSync(pwFile, `${o.password}\n`, { mode: 0o600 });
    if (runUser) {
      chownSync(pwDir, runUser.uid, runUser.gid);
      chownSync(pwFile, runUser.uid, runUser.gid);
    }
    chmodSync(dataDir, 0o700);
    await runServerInit(server, [
      server.bins.initdb,
      `--pgdata=${dataDir}`,
      `--username=${o.user}`,
      `--pwfile=${pwFile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-instructions',
      // A dev cluster: skip initdb's final fsync of every file (about 1.3 s); a crash within
      // seconds of creation loses a database that held nothing yet.
      '--no-sync',
    ]);
  } finally {
    rmSync(pwDir, { recursive: true, force: true });
  }
}
