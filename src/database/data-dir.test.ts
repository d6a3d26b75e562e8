import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { assertSocketPath, ensureDataDir, MAX_SOCKET_PATH } from './data-dir.js';
import { serviceUserFor } from './service-user.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-datadir-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const opts = { marker: 'PG_VERSION', what: 'PostgreSQL', user: null };

describe('ensureDataDir', () => {
  it('creates a missing dir 0700 and reports it uninitialised', () => {
    const dir = path.join(tmp, 'new', 'data');
    assert.equal(ensureDataDir(dir, opts), false);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });

  it('reports a dir holding the marker as initialised', () => {
    const dir = path.join(tmp, 'initialised');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'PG_VERSION'), '15\n');
    assert.equal(ensureDataDir(dir, opts), true);
  });

  it('refuses a non-empty dir without the marker, touching nothing', async () => {
    const dir = path.join(tmp, 'other');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const before = statSync(dir);
    const user = await serviceUserFor('postgres').catch(() => null);
    assert.throws(() => ensureDataDir(dir, { ...opts, user }), { code: 'BAD_INPUT' });
    assert.equal(statSync(dir).uid, before.uid);
  });

  it('as root, gives the dir to the service user and lets it enter a 0700 ancestor', async (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root');
    const user = await serviceUserFor('postgres').catch(() => null);
    if (!user) return t.skip('no postgres system user');
    const closed = path.join(tmp, 'closed');
    mkdirSync(closed, { mode: 0o700 });
    const dir = path.join(closed, 'data');
    ensureDataDir(dir, { ...opts, user });
    assert.equal(statSync(dir).uid, user.uid);
    assert.equal(statSync(closed).mode & 0o777, 0o701);
  });

  it('refuses a socket path longer than Linux accepts', () => {
    assert.doesNotThrow(() => assertSocketPath(`/${'a'.repeat(MAX_SOCKET_PATH - 1)}`));
    assert.throws(() => assertSocketPath(`/${'a'.repeat(MAX_SOCKET_PATH)}`), { code: 'BAD_INPUT' });
  });
});
