import os from 'node:os';
import { runCommand } from '../exec/run-command.js';
import { findMariadbBinaries } from './find-server-binaries.js';
import { serverSkipReason } from './install-server-packages.js';
import { startMariadb } from './mariadb.js';
import { databaseServerConformance } from './server-conformance.test-kit.js';
import type { ProvisionedDatabase } from './types.js';

/** The mariadb client over TCP with the URL's parts, as an app would connect. */
async function sql(db: ProvisionedDatabase, statement: string) {
  const bins = findMariadbBinaries();
  if (!bins) throw new Error('mariadb client missing');
  const url = new URL(db.url);
  const argv = [bins.client, '--no-defaults', '--protocol=TCP', `-h${url.hostname}`];
  argv.push(`-P${url.port}`, `-u${decodeURIComponent(url.username)}`, '-N', '-B');
  argv.push(decodeURIComponent(url.pathname.slice(1)), '-e', statement);
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    MYSQL_PWD: decodeURIComponent(url.password),
  };
  return runCommand(argv, { cwd: os.tmpdir(), env, timeoutMs: 15_000 });
}

databaseServerConformance({
  kind: 'mysql',
  start: startMariadb,
  write: async (db, value) => {
    const result = await sql(db, `create table kv (v text); insert into kv values ('${value}')`);
    if (result.failed) throw new Error(result.stderr);
  },
  read: async (db) => {
    const result = await sql(db, 'select v from kv');
    return result.failed ? null : result.stdout.trim();
  },
  persistent: true,
  socket: () => 'mysqld.sock',
  skip: await serverSkipReason('mysql'),
});
