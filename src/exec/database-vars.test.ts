import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitDatabaseValue, type SplitDatabase } from './database-vars.js';

const pg: SplitDatabase = {
  kind: 'postgres',
  port: 41000,
  listenPort: 5432,
  user: 'app',
  password: 'pw',
  database: 'appdb',
  provided: false,
  url: 'postgresql://app:pw@127.0.0.1:5432/appdb',
};
const redis: SplitDatabase = {
  ...pg,
  kind: 'redis',
  port: 41001,
  listenPort: 6379,
  url: 'redis://127.0.0.1:6379/0',
};

test('split connection variables get the provisioned servers’ values', () => {
  const dbs = [pg, redis];
  const v = (k: string) => splitDatabaseValue(k, dbs);
  assert.equal(v('POSTGRES_SERVER'), '127.0.0.1');
  assert.equal(v('SQL_HOST'), '127.0.0.1');
  assert.equal(v('SQL_PORT'), '5432', 'inside the run network: the usual port');
  assert.equal(v('DB_USER'), 'app');
  assert.equal(v('POSTGRES_PASSWORD'), 'pw');
  assert.equal(v('POSTGRES_DB'), 'appdb');
  assert.equal(v('DB_NAME'), 'appdb');
  assert.equal(v('REDIS_HOST'), '127.0.0.1');
  assert.equal(v('REDIS_PORT'), '6379');
  assert.equal(v('REDIS_PASSWORD'), null, 'the run’s Redis has no password');
  assert.equal(v('MYSQL_HOST'), null, 'no MySQL is provisioned');
  assert.equal(v('SECRET_KEY'), null);
  assert.equal(v('DB_POOL_SIZE'), null);
  // Connection strings under the app's own name (gofiber's DB_DSN, Vercel's POSTGRES_URL).
  assert.equal(v('DB_DSN'), pg.url);
  assert.equal(v('POSTGRES_URL'), pg.url);
  assert.equal(v('SQL_CONNECTION_STRING'), pg.url);
  assert.equal(v('REDIS_URL'), redis.url);
  assert.equal(v('DB_CONNECTION'), null, "Laravel's driver name");
  const hostNet = splitDatabaseValue('DB_PORT', [{ ...pg, listenPort: undefined }]);
  assert.equal(hostNet, '41000', 'on the host network: the leased port');
  assert.equal(splitDatabaseValue('DB_HOST', [{ ...pg, provided: true }]), null);
});
