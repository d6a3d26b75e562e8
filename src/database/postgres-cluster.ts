import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RepoRunnerError } from '../model/errors.js';
import { outputTail } from '../exec/process-result.js';
import { runCommand } from '../exec/run-command.js';
import type { PostgresBinaries } from './find-server-binaries.js';
import { logResult } from './launch-server.js';
import { serverEnv } from './server-env.js';
import { envFor, runAs, type ServiceUser } from './service-user.js';

/**
 * Creates a PostgreSQL cluster in the empty `dataDir` with `initdb`: `user` is its
 * superuser with `password` (from a 0600 file, never argv), TCP logins need that password
 * (scram-sha-256) and Unix-socket logins are trusted (the socket sits in the 0700 data dir).
 * Runs as `runUser` when set (root: see serviceUserFor).
 *
 * @throws RepoRunnerError `START_FAILED` with initdb's output when it fails.
 */
export async function initPostgresCluster(
  bins: PostgresBinaries,
  dataDir: string,
  runUser: ServiceUser | null,
  options: { user: string; password: string; logFile: string; signal?: AbortSignal },
): Promise<void> {
  const pwDir = mkdtempSync(path.join(os.tmpdir(), 'rr-initdb-'));
  const pwFile = path.join(pwDir, 'password');
  try {
    writeFileSync(pwFile, `${options.password}\n`, { mode: 0o600 });
    if (runUser) {
      chownSync(pwDir, runUser.uid, runUser.gid);
      chownSync(pwFile, runUser.uid, runUser.gid);
    }
    chmodSync(dataDir, 0o700);
    const argv = [
      bins.initdb,
      `--pgdata=${dataDir}`,
      `--username=${options.user}`,
      `--pwfile=${pwFile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-instructions',
      // A dev cluster: skip initdb's final fsync of every file (about 1.3 s); a crash within
      // seconds of creation loses a database that held nothing yet.
      '--no-sync',
    ];
    const result = await runCommand(runAs(runUser, argv), {
      cwd: dataDir,
      env: envFor(runUser, serverEnv()),
      timeoutMs: 120_000,
      signal: options.signal,
    });
    logResult(options.logFile, result);
    if (result.failed) {
      throw new RepoRunnerError(
        'START_FAILED',
        `initdb failed in ${dataDir}:\n${outputTail(result, 15).join('\n')}`,
        `check that ${dataDir} is writable by the server's user and try again`,
        { details: { result } },
      );
    }
  } finally {
    rmSync(pwDir, { recursive: true, force: true });
  }
}
