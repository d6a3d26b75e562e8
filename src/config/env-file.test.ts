import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { mergeEnvFile } from './env-file.js';

describe('mergeEnvFile', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-envfile-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("updates the run-specific values Repo Runner wrote earlier, never the user's own lines", () => {
    const file = path.join(dir, '.env');
    writeFileSync(file, 'DATABASE_URL=postgres://mine@db/app\nDEBUG=1\n');
    const refresh = new Set(['DATABASE_URL', 'REDIS_URL', 'PORT']);
    // First run: the user's DATABASE_URL stays; REDIS_URL and PORT are added under our header.
    const first = mergeEnvFile(
      file,
      {
        DATABASE_URL: 'postgresql://a:p1@127.0.0.1:5001/app',
        REDIS_URL: 'redis://127.0.0.1:6001/0',
        PORT: '3001',
      },
      '.env.example',
      refresh,
    );
    assert.deepEqual(first.added, ['REDIS_URL', 'PORT']);
    assert.deepEqual(first.refreshed, []);
    assert.ok(first.backup);
    // Second run: new port and password; only our block changes, with no new backup.
    const second = mergeEnvFile(
      file,
      {
        DATABASE_URL: 'postgresql://a:p2@127.0.0.1:5002/app',
        REDIS_URL: 'redis://127.0.0.1:6002/0',
        PORT: '3002',
      },
      '.env.example',
      refresh,
    );
    assert.deepEqual(second, {
      added: [],
      refreshed: ['REDIS_URL', 'PORT'],
      backup: null,
      created: false,
    });
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^DATABASE_URL=postgres:\/\/mine@db\/app$/m);
    assert.match(text, /^REDIS_URL=redis:\/\/127\.0\.0\.1:6002\/0$/m);
    assert.match(text, /^PORT=3002$/m);
    assert.doesNotMatch(text, /6001|3001/);
    // Without `refresh` nothing is changed.
    const third = mergeEnvFile(file, { PORT: '3003' }, '.env.example');
    assert.deepEqual(third.refreshed, []);
    assert.match(readFileSync(file, 'utf8'), /^PORT=3002$/m);
  });

  it('stops at the end of our block: a line the user added below it is theirs', () => {
    const file = path.join(dir, 'b.env');
    writeFileSync(
      file,
      '# Added by Repo Runner on 2026-01-01 from .env.example\nPORT=1\n\nPORT_ADMIN=2\n',
    );
    const r = mergeEnvFile(
      file,
      { PORT: '5', PORT_ADMIN: '6' },
      'x',
      new Set(['PORT', 'PORT_ADMIN']),
    );
    assert.deepEqual(r.refreshed, ['PORT']);
    assert.match(readFileSync(file, 'utf8'), /^PORT_ADMIN=2$/m);
  });
});
