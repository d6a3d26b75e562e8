import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  credentialsPath,
  loadCredential,
  normalizeServerUrl,
  removeCredential,
  saveCredential,
} from './credentials.js';

describe('credentials file', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-cred-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const env = { XDG_CONFIG_HOME: path.join(tmp, 'config'), HOME: tmp };
  const cred = { token: 'rr_secret', username: 'alice', expiresAt: '2999-01-01T00:00:00.000Z' };

  it('lives under XDG_CONFIG_HOME, else ~/.config', () => {
    assert.equal(credentialsPath(env), path.join(tmp, 'config', 'repo-runner', 'credentials'));
    assert.equal(credentialsPath({ HOME: '/home/u' }), '/home/u/.config/repo-runner/credentials');
  });

  it('is created 0600 in a 0700 directory, keyed by the normalised server URL', () => {
    saveCredential('http://127.0.0.1:7878/', cred, env);
    const file = credentialsPath(env);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.deepEqual(loadCredential('http://127.0.0.1:7878', env), cred);
    assert.equal(loadCredential('http://127.0.0.1:9999', env), undefined);
    saveCredential('https://rr.example.com/base/', { ...cred, username: 'bob' }, env);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(file, 'utf8')).servers), [
      'http://127.0.0.1:7878',
      'https://rr.example.com/base',
    ]);
    assert.equal(removeCredential('http://127.0.0.1:7878', env), true);
    assert.equal(removeCredential('http://127.0.0.1:7878', env), false);
    assert.equal(loadCredential('https://rr.example.com/base', env)?.username, 'bob');
  });

  it('refuses server URLs that are not http(s)', () => {
    assert.throws(() => normalizeServerUrl('ftp://x'), /http or https/);
    assert.throws(() => normalizeServerUrl('not a url'), /not a URL/);
    assert.equal(normalizeServerUrl('HTTP://LocalHost:7878//'), 'http://localhost:7878');
  });
});
