import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { RepoRunnerError } from '../model/errors.js';
import { openStore, storeLocation } from './open-store.js';
import { postgresForTests } from './temp-postgres.test-kit.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'rr-open-store-'));
after(() => rmSync(home, { recursive: true, force: true }));
const env = (url?: string) => (url === undefined ? {} : { REPO_RUNNER_DATABASE_URL: url });
const pg = await postgresForTests();

describe('storeLocation', () => {
  it('is the SQLite file in the home when the variable is unset or blank', () => {
    const file = path.join(home, 'repo-runner.db');
    assert.deepEqual(storeLocation({ home, env: env() }), { kind: 'sqlite', file });
    assert.deepEqual(storeLocation({ home, env: env('  ') }), { kind: 'sqlite', file });
  });

  it('is PostgreSQL for postgres:// and postgresql:// URLs', () => {
    for (const url of ['postgres://u:p@db:5432/rr', 'postgresql://127.0.0.1/rr?sslmode=disable']) {
      assert.deepEqual(storeLocation({ home, env: env(url) }), { kind: 'postgres', url });
    }
  });

  it('refuses another scheme or a non-URL with BAD_INPUT, hiding credentials', () => {
    const cases: Array<[string, RegExp]> = [
      ['mysql://root:hunter2@db/rr', /scheme mysql:\/\//],
      ['sqlite:///tmp/rr.db', /scheme sqlite:/],
      ['db.example.com:5432/rr', /scheme db\.example\.com:/],
      ['//u:hunter2@host/rr', /is not a URL: \/\/\*\*\*@host\/rr/],
      ['not a url', /is not a URL/],
    ];
    for (const [url, message] of cases) {
      assert.throws(
        () => storeLocation({ home, env: env(url) }),
        (err) => {
          assert.ok(err instanceof RepoRunnerError);
          assert.equal(err.code, 'BAD_INPUT');
          assert.match(err.message, message);
          assert.doesNotMatch(err.message, /hunter2/);
          assert.match(err.hint ?? '', /REPO_RUNNER_DATABASE_URL to postgresql:\/\/.*or unset it/);
          return true;
        },
        url,
      );
    }
  });
});

describe('openStore', () => {
  it('opens the SQLite store in the home', async () => {
    const store = await openStore({ home, env: env() });
    try {
      await store.createRun({ id: 'r1', source: '.', options: {} });
    } finally {
      await store.close();
    }
    const again = await openStore({ home, env: env('') });
    try {
      assert.equal((await again.getRun('r1'))?.id, 'r1');
    } finally {
      await again.close();
    }
  });

  it('opens the PostgreSQL store the variable names', { skip: pg.skip }, async () => {
    const url = await pg.createDatabase();
    const store = await openStore({ home, env: env(url) });
    try {
      await store.createRun({ id: 'pg-run', source: '.', options: {} });
      assert.equal((await store.getRun('pg-run'))?.id, 'pg-run');
      assert.equal(await (await openStore({ home, env: env() })).getRun('pg-run'), undefined);
    } finally {
      await store.close();
    }
  });

  it('fails with DATABASE_FAILED when nothing listens at the URL', async () => {
    await assert.rejects(
      openStore({ home, env: env('postgresql://rr:hunter2@127.0.0.1:1/rr') }),
      (err) => {
        assert.ok(err instanceof RepoRunnerError);
        assert.equal(err.code, 'DATABASE_FAILED');
        assert.match(err.message, /127\.0\.0\.1:1/);
        assert.doesNotMatch(err.message, /hunter2/);
        return true;
      },
    );
  });
});
