import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { PathEscapeError } from '../repo/resolve-inside.js';
import { expandInitScripts } from './init-scripts.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-initdb-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('expandInitScripts: SQL in the order the image runs it, shell scripts named as skipped', () => {
  const repo = path.join(tmp, 'repo');
  mkdirSync(path.join(repo, 'db', 'init'), { recursive: true });
  writeFileSync(path.join(repo, 'db', 'init', '02-seed.sql'), 'insert');
  writeFileSync(path.join(repo, 'db', 'init', '03-more.sql.gz'), gzipSync('insert'));
  writeFileSync(path.join(repo, 'db', 'init', '00-setup.sh'), 'echo');
  writeFileSync(path.join(repo, 'db', 'init', 'README.md'), 'docs');
  writeFileSync(path.join(repo, 'schema.sql'), 'create');
  const { scripts, skipped } = expandInitScripts(repo, [
    { source: 'db/init', target: '/docker-entrypoint-initdb.d' },
    // A file takes the name of its target, which orders it first here.
    { source: 'schema.sql', target: '/docker-entrypoint-initdb.d/01-schema.sql' },
    { source: 'missing.sql', target: '/docker-entrypoint-initdb.d/09.sql' },
  ]);
  assert.deepEqual(
    scripts.map((s) => [s.name, path.relative(repo, s.file)]),
    [
      ['01-schema.sql', 'schema.sql'],
      ['02-seed.sql', path.join('db', 'init', '02-seed.sql')],
      ['03-more.sql.gz', path.join('db', 'init', '03-more.sql.gz')],
    ],
  );
  assert.deepEqual(skipped, ['00-setup.sh']);
});

test('expandInitScripts: a mount that is a symlink out of the repository is refused', () => {
  const repo = path.join(tmp, 'linked');
  mkdirSync(repo, { recursive: true });
  writeFileSync(path.join(tmp, 'secret.sql'), 'select 1');
  symlinkSync(path.join(tmp, 'secret.sql'), path.join(repo, 'init.sql'));
  assert.throws(
    () =>
      expandInitScripts(repo, [
        { source: 'init.sql', target: '/docker-entrypoint-initdb.d/a.sql' },
      ]),
    PathEscapeError,
  );
});
