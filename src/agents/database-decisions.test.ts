import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideDatabase } from './database-decisions.js';

test('an empty PostgreSQL password from compose is replaced by a generated one; MariaDB keeps it', () => {
  const pg = decideDatabase(
    {
      name: 'db',
      kind: 'postgres',
      envVar: 'DATABASE_URL',
      user: 'postgres',
      password: '',
      database: 'postgres',
      evidence: [],
    },
    41000,
    {},
    5432,
  );
  assert.match(pg.password, /^[0-9a-f]{32}$/);
  assert.equal(pg.url, `postgresql://postgres:${pg.password}@127.0.0.1:5432/postgres`);
  const my = decideDatabase(
    {
      name: 'mysql',
      kind: 'mysql',
      envVar: 'DATABASE_URL',
      user: 'root',
      password: '',
      evidence: [],
    },
    41001,
    {},
  );
  assert.equal(my.password, '');
  const given = decideDatabase(
    { name: 'db', kind: 'postgres', envVar: 'DATABASE_URL', password: 'pw', evidence: [] },
    41002,
    {},
  );
  assert.equal(given.password, 'pw');
});

test('a JDBC variable gets the JDBC form of the URL', () => {
  const d = decideDatabase(
    { name: 'postgres', kind: 'postgres', envVar: 'JDBC_DATABASE_URL', evidence: [] },
    41003,
    {},
    5432,
  );
  assert.equal(
    d.env['JDBC_DATABASE_URL'],
    `jdbc:postgresql://127.0.0.1:5432/app?user=app&password=${d.password}`,
  );
  assert.match(d.url, /^postgresql:\/\//);
});
