import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RepoRunnerError } from '../model/errors.js';
import { storeConformance } from './conformance.test-kit.js';
import { openPostgresStore, redactUrl } from './postgres.js';
import { postgresForTests } from './temp-postgres.test-kit.js';

const pg = await postgresForTests();
let latest = '';

describe('PostgreSQL store', { skip: pg.skip }, () => {
  storeConformance(
    'postgres',
    async () => openPostgresStore((latest = await pg.createDatabase())),
    { openSecond: () => openPostgresStore(latest) },
  );

  it('several stores opening a new database at once all migrate it (migration race)', async () => {
    const url = await pg.createDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore(url)));
    try {
      await stores[0]!.createRun({ id: 'r1', source: '.', options: {} });
      for (const s of stores) assert.equal((await s.getRun('r1'))?.id, 'r1');
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('keeps data across a reopen', async () => {
    const url = await pg.createDatabase();
    const first = await openPostgresStore(url);
    await first.createRun({ id: 'r1', source: '.', options: { a: 1 } });
    await first.close();
    const second = await openPostgresStore(url);
    try {
      assert.deepEqual((await second.getRun('r1'))?.options, { a: 1 });
    } finally {
      await second.close();
    }
  });

  it('refuses a wrong password with DATABASE_FAILED, without showing the password', async () => {
    const url = new URL(await pg.createDatabase());
    url.password = 'wrong-Secret';
    await assert.rejects(openPostgresStore(url.toString()), (err) => {
      assert.ok(err instanceof RepoRunnerError);
      assert.equal(err.code, 'DATABASE_FAILED');
      assert.match(err.message, /password authentication failed/);
      assert.doesNotMatch(err.message, /wrong-Secret/);
      assert.match(err.hint ?? '', /REPO_RUNNER_DATABASE_URL/);
      return true;
    });
  });

  it('refuses a database that does not exist with DATABASE_FAILED', async () => {
    const url = new URL(await pg.createDatabase());
    url.pathname = '/no_such_db';
    await assert.rejects(openPostgresStore(url.toString()), {
      code: 'DATABASE_FAILED',
      message: /database "no_such_db" does not exist/,
    });
  });
});

it('redactUrl hides the password only', () => {
  assert.equal(
    redactUrl('postgresql://rr:s3cret@127.0.0.1:5432/db?sslmode=disable'),
    'postgresql://rr:***@127.0.0.1:5432/db?sslmode=disable',
  );
  assert.equal(redactUrl('postgres://127.0.0.1/db'), 'postgres://127.0.0.1/db');
  assert.equal(redactUrl('not a url'), '<unparseable URL>');
});
