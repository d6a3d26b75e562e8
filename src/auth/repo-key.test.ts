import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { repoKeyOf } from './repo-key.js';

describe('repoKeyOf', () => {
  it('counts one repository given as https, ssh, scp-like, with .git or a slash, once', () => {
    const keys = [
      'https://GitHub.com/org/app.git',
      'https://user:secret@github.com/org/app/',
      'ssh://git@github.com/org/app.git',
      'git@github.com:org/app.git',
      'https://github.com/org/app?x=1#y',
    ].map((s) => repoKeyOf(s));
    assert.deepEqual(new Set(keys), new Set(['github.com/org/app']));
    assert.equal(repoKeyOf('./app/', '/home/me'), '/home/me/app');
    assert.equal(repoKeyOf('/srv/app'), '/srv/app');
    assert.equal(repoKeyOf('file:///srv/app/'), '/srv/app');
  });
});
