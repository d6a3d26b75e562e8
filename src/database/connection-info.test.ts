import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import {
  assertSqlName,
  jdbcUrl,
  mysqlConnection,
  postgresConnection,
  redisConnection,
  sqlStringLiteral,
} from './connection-info.js';

const parts = {
  host: '127.0.0.1',
  port: 55432,
  user: 'app',
  password: 'p@ss/w:rd',
  database: 'app_db',
};

describe('connection info', () => {
  it('builds a PostgreSQL URL a URL parser reads back, and the libpq variables', () => {
    const { url, env } = postgresConnection(parts);
    assert.equal(url, 'postgresql://app:p%40ss%2Fw%3Ard@127.0.0.1:55432/app_db');
    assert.equal(decodeURIComponent(new URL(url).password), 'p@ss/w:rd');
    assert.deepEqual(env, {
      DATABASE_URL: url,
      PGHOST: '127.0.0.1',
      PGPORT: '55432',
      PGUSER: 'app',
      PGPASSWORD: 'p@ss/w:rd',
      PGDATABASE: 'app_db',
    });
  });

  it('builds mysql:// and redis:// URLs with their variables', () => {
    const mysql = mysqlConnection({ ...parts, port: 53306 });
    assert.equal(mysql.url, 'mysql://app:p%40ss%2Fw%3Ard@127.0.0.1:53306/app_db');
    assert.equal(mysql.env.MYSQL_PORT, '53306');
    assert.equal(mysql.env.DATABASE_URL, mysql.url);
    assert.deepEqual(redisConnection('127.0.0.1', 56379), {
      url: 'redis://127.0.0.1:56379/0',
      env: { REDIS_URL: 'redis://127.0.0.1:56379/0' },
    });
  });

  it('accepts plain SQL names and refuses ones that would need quoting', () => {
    assert.doesNotThrow(() => assertSqlName('database', 'app_db1'));
    for (const bad of ['', '1app', 'app-db', 'a;drop', 'x'.repeat(64)]) {
      assert.throws(() => assertSqlName('database', bad), { code: 'BAD_INPUT' });
    }
  });

  it('escapes quotes and backslashes in MariaDB string literals', () => {
    assert.equal(sqlStringLiteral(`it's a \\ test`), `'it\\'s a \\\\ test'`);
  });
});

test('jdbcUrl puts the credentials in the query, escaped, under the driver scheme', () => {
  const given = { host: '127.0.0.1', port: 5433, user: 'app', password: 'p&w=1', database: 'db' };
  assert.equal(
    jdbcUrl('postgres', given),
    'jdbc:postgresql://127.0.0.1:5433/db?user=app&password=p%26w%3D1',
  );
  assert.ok(jdbcUrl('mysql', given).startsWith('jdbc:mysql://127.0.0.1:5433/db?'));
});
