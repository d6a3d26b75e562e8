import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { RepoRunnerError } from '../model/errors.js';
import { redisConnection } from './connection-info.js';
import { findRedisBinaries, installHint } from './find-server-binaries.js';
import { redisCommand } from './redis-client.js';
import { launchAs } from './server-start.js';
import type { ProvisionedDatabase, StartDatabaseOptions } from './types.js';

/** True when the server answers `PING` with `PONG` (not `LOADING` or a refused connection). */
async function answersPing(host: string, port: number): Promise<boolean> {
  try {
    return (await redisCommand(host, port, ['PING'], 1000)) === 'PONG';
  } catch {
    return false;
  }
}

/**
 * Starts `redis-server` on 127.0.0.1:`port` as its own process group, without persistence
 * (`--save ''`, `--appendonly no`: a dev cache starts empty every time), its working
 * directory in `dataDir`. `user`, `password` and `database` are ignored: the server has
 * no auth and is reachable from this machine only. Runs as the current user, root included
 * (Redis does not refuse it).
 *
 * @throws RepoRunnerError `TOOLCHAIN_MISSING` without redis-server, `START_FAILED` when it
 * does not answer PING within the timeout (with the log tail).
 * @example
 * const db = await startRedis({ dataDir, port: 6390, database: 'app', user: 'app', password: 'pw', logFile });
 * db.url; // 'redis://127.0.0.1:6390/0'
 */
export async function startRedis(options: StartDatabaseOptions): Promise<ProvisionedDatabase> {
  const bins = findRedisBinaries();
  if (!bins) {
    throw new RepoRunnerError(
      'TOOLCHAIN_MISSING',
      'redis-server is not installed',
      installHint('redis'),
    );
  }
  const host = options.host ?? '127.0.0.1';
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Redis runs as us even as root: it does not refuse it, and keeps nothing on disk.
  const pid = await launchAs(null, options, {
    what: `Redis on ${host}:${options.port}`,
    argv: [
      bins.server,
      '--port',
      String(options.listenPort ?? options.port),
      '--bind',
      host,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dataDir,
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
    ],
    cwd: dataDir,
    writable: [dataDir],
    isReady: () => answersPing(host, options.port),
  });
  const { url, env: dbEnv } = redisConnection(host, options.port);
  return { kind: 'redis', url, host, port: options.port, pid, dataDir, env: dbEnv };
}
