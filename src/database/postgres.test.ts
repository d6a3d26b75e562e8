import os from 'node:os';
import { runCommand } from '../exec/run-command.js';
import { findPostgresBinaries } from './find-server-binaries.js';
import { serverSkipReason } from './install-server-packages.js';
import { startPostgres } from './postgres.js';
import { databaseServerConformance } from './server-conformance.test-kit.js';
import type { ProvisionedDatabase } from './types.js';

/** psql connected by the URL alone, as an app would be. */
async function psql(db: ProvisionedDatabase, sql: string) {
  const bins = findPostgresBinaries();
  if (!bins) throw new Error('psql missing');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const argv = [bins.psql, '-X', '-Atq', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-c', sql];
  return runCommand(argv, { cwd: os.tmpdir(), env, timeoutMs: 15_000 });
}

databaseServerConformance({
  kind: 'postgres',
  start: startPostgres,
  write: async (db, value) => {
    const result = await psql(db, `create table kv (v text); insert into kv values ('${value}')`);
    if (result.failed) throw new Error(result.stderr);
  },
  read: async (db) => {
    const result = await psql(db, 'select v from kv');
    return result.failed ? null : result.stdout.trim();
  },
  persistent: true,
  socket: (port) => `.s.PGSQL.${port}`,
  skip: await serverSkipReason('postgres'),
});
