import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { RefusalError } from '../model/errors.js';
import { checkPublicSource, checkSource, gitRepoKey, resolveRoots } from './repo-source.js';

describe('checkSource', () => {
  const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rr-src-')));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const root = path.join(tmp, 'root');
  mkdirSync(path.join(root, 'app', 'sub'), { recursive: true });
  mkdirSync(path.join(tmp, 'outside'));
  writeFileSync(path.join(root, 'file.txt'), 'x');
  symlinkSync(path.join(tmp, 'outside'), path.join(root, 'escape'));
  symlinkSync(path.join(root, 'app'), path.join(root, 'alias'));
  const roots = resolveRoots([root]);

  const refused = (input: string, pattern: RegExp) =>
    assert.throws(
      () => checkSource(input, roots),
      (e: unknown) => e instanceof RefusalError && e.status === 400 && pattern.test(e.message),
    );

  it('takes directories under a root, by absolute or root-relative path, resolved with realpath', () => {
    assert.deepEqual(checkSource('app', roots), {
      source: path.join(root, 'app'),
      repoKey: path.join(root, 'app'),
      kind: 'path',
    });
    assert.equal(
      checkSource(path.join(root, 'app', 'sub'), roots).source,
      path.join(root, 'app', 'sub'),
    );
    assert.equal(checkSource('alias', roots).source, path.join(root, 'app'));
    assert.equal(checkSource(`file://${root}/app`, roots).source, `file://${root}/app`);
  });

  it('refuses .. segments, symlink escapes, paths outside the roots, files and control characters', () => {
    refused('../outside', /\.\./);
    refused('app/../../outside', /\.\./);
    refused('escape', /outside the repos roots/);
    refused(path.join(tmp, 'outside'), /outside the repos roots/);
    refused('/etc', /outside the repos roots/);
    refused('file:///etc', /outside the repos roots/);
    refused('file.txt', /a file, not a directory/);
    refused('missing', /no directory missing/);
    refused('app\u0000', /control characters/);
    refused('ext::sh -c id', /remote helper/);
    refused('-uhttps://x', /option/);
  });

  it('takes git URLs; without roots only git URLs', () => {
    assert.equal(checkSource('https://example.com/org/app.git', []).kind, 'git');
    assert.throws(() => checkSource('app', []), /not accepted by this server/);
  });
});

describe('gitRepoKey', () => {
  it('names one repository one way: no credentials, case, .git or slashes', () => {
    const key = 'github.com/org/app';
    for (const url of [
      'https://github.com/org/app.git',
      'https://user:secret@GitHub.com/Org/App/',
      'ssh://git@github.com/org/app.git',
      'git@github.com:org/app.git',
      'git://github.com//org/app',
    ])
      assert.equal(gitRepoKey(url), key, url);
    assert.equal(gitRepoKey('https://host:8443/a/b'), 'host:8443/a/b');
  });
});

describe('checkPublicSource: API runs never clone from the server’s own network', () => {
  const noLookup = async (host: string): Promise<Array<{ address: string }>> => {
    throw new Error(`looked up ${host}`);
  };
  for (const url of [
    'https://127.0.0.1/r.git',
    'https://[::1]/r.git',
    'https://10.1.2.3/r.git',
    // The metadata address is named only to check it is refused before any lookup or
    // connection: no test probes it (a probe would be opt-in and off in tests).
    'http://169.254.169.254/r', // refused only; a probe would be opt-in
  ])
    it(`400 for ${url}, before any lookup or connection`, async () => {
      await assert.rejects(
        checkPublicSource(checkSource(url, []), noLookup),
        (err: RefusalError) => {
          assert.ok(err instanceof RefusalError);
          assert.equal(err.code, 'BAD_INPUT');
          assert.match(err.message, /not a public address/);
          return true;
        },
      );
    });
  it('400 for localhost (resolved from /etc/hosts)', async () => {
    await assert.rejects(
      checkPublicSource(checkSource('https://localhost/r.git', [])),
      RefusalError,
    );
  });
  it('passes a public host', async () => {
    await checkPublicSource(checkSource('https://git.example.com/r.git', []), async () => [
      { address: '93.184.216.34' },
    ]);
  });
});
