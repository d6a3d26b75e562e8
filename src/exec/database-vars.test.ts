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
};
const redis: SplitDatabase = { ...pg, kind: 'redis', port: 41001, listenPort: 6379 };

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
  const hostNet = splitDatabaseValue('DB_PORT', [{ ...pg, listenPort: undefined }]);
  assert.equal(hostNet, '41000', 'on the host network: the leased port');
  assert.equal(splitDatabaseValue('DB_HOST', [{ ...pg, provided: true }]), null);
});
