import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { PathEscapeError, realPathOf, resolveInside, staysInside } from './resolve-inside.js';

const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rr-inside-')));
after(() => rmSync(tmp, { recursive: true, force: true }));
const repo = path.join(tmp, 'repo');
const outside = path.join(tmp, 'outside');
mkdirSync(path.join(repo, 'pkg', 'lib'), { recursive: true });
mkdirSync(outside);
writeFileSync(path.join(outside, 'secret'), 'outside');
writeFileSync(path.join(repo, 'pkg', 'lib', 'index.js'), 'inside');
symlinkSync(path.join(outside, 'secret'), path.join(repo, 'passwd'));
symlinkSync(outside, path.join(repo, 'out'));
symlinkSync(path.join(outside, 'new-file'), path.join(repo, 'dangling'));
symlinkSync('pkg/lib', path.join(repo, 'pkg-link'));
symlinkSync('loop-b', path.join(repo, 'loop-a'));
symlinkSync('loop-a', path.join(repo, 'loop-b'));

const escape = (rel: string, target: string) => (err: unknown) =>
  err instanceof PathEscapeError &&
  err.code === 'BAD_INPUT' &&
  err.path === rel &&
  err.target === target &&
  err.root === repo &&
  err.message.includes(rel) &&
  err.message.includes(target);

describe('resolveInside', () => {
  it('resolves paths inside, existing or not, through links that stay inside', () => {
    assert.equal(resolveInside(repo, 'pkg/lib/index.js'), path.join(repo, 'pkg/lib/index.js'));
    assert.equal(resolveInside(repo, 'pkg-link/index.js'), path.join(repo, 'pkg/lib/index.js'));
    assert.equal(resolveInside(repo, 'pkg-link/new.js'), path.join(repo, 'pkg/lib/new.js'));
    assert.equal(resolveInside(repo, 'a/b/../c'), path.join(repo, 'a/c'));
    assert.equal(resolveInside(repo, '.'), repo);
    assert.equal(resolveInside(repo, path.join(repo, 'pkg')), path.join(repo, 'pkg'));
  });

  it('refuses a link to a file, a linked folder, a dangling link, .. and absolute paths', () => {
    assert.throws(
      () => resolveInside(repo, 'passwd'),
      escape('passwd', path.join(outside, 'secret')),
    );
    assert.throws(
      () => resolveInside(repo, 'out/secret'),
      escape('out/secret', path.join(outside, 'secret')),
    );
    // A file to be created under a linked folder would land outside.
    assert.throws(
      () => resolveInside(repo, 'out/new/x'),
      escape('out/new/x', path.join(outside, 'new/x')),
    );
    // Writing through a dangling link would create the file it points to.
    assert.throws(
      () => resolveInside(repo, 'dangling'),
      escape('dangling', path.join(outside, 'new-file')),
    );
    assert.throws(() => resolveInside(repo, '../outside/secret'), PathEscapeError);
    assert.throws(() => resolveInside(repo, '/etc/passwd'), escape('/etc/passwd', '/etc/passwd'));
    assert.throws(() => resolveInside(repo, `${repo}-sibling/x`), PathEscapeError);
  });

  it('gives up on a symlink loop instead of recursing forever', () => {
    assert.throws(() => resolveInside(repo, 'loop-a'), /too many levels of symbolic links/);
    assert.equal(staysInside(repo, 'loop-a'), false);
  });

  it('checks against the real root when the root itself is reached through a link', () => {
    const alias = path.join(tmp, 'alias');
    symlinkSync(repo, alias);
    assert.equal(resolveInside(alias, 'pkg'), path.join(repo, 'pkg'));
    assert.throws(() => resolveInside(alias, 'passwd'), PathEscapeError);
    assert.equal(realPathOf(path.join(alias, 'missing', 'x')), path.join(repo, 'missing', 'x'));
  });

  it('staysInside answers the same question without throwing', () => {
    assert.equal(staysInside(repo, 'pkg-link/index.js'), true);
    assert.equal(staysInside(repo, 'out'), false);
  });
});
