import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  findMariadbBinaries,
  findPostgresBinaries,
  findProgram,
  findRedisBinaries,
  hasServerBinaries,
  installHint,
  SERVER_PACKAGES,
} from './find-server-binaries.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-bins-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function program(dir: string, name: string, mode = 0o755): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, mode);
  return file;
}

describe('findProgram', () => {
  it('takes the first executable of the names, from the given dirs before PATH', () => {
    const first = path.join(tmp, 'first');
    const onPath = path.join(tmp, 'path');
    program(first, 'rr-fake-a', 0o644); // not executable: skipped
    const b = program(first, 'rr-fake-b');
    program(onPath, 'rr-fake-a');
    const env = { PATH: onPath };
    assert.equal(findProgram(['rr-fake-a'], env), path.join(onPath, 'rr-fake-a'));
    assert.equal(findProgram(['rr-fake-b', 'rr-fake-a'], env, [first]), b);
    assert.equal(findProgram(['rr-fake-missing'], env), null);
  });
});

describe('server binaries', () => {
  it('names the Debian packages and how to install them', () => {
    assert.deepEqual(SERVER_PACKAGES, {
      postgres: 'postgresql',
      mysql: 'mariadb-server',
      redis: 'redis-server',
    });
    assert.match(installHint('mysql'), /apt-get install mariadb-server/);
  });

  it('finds PostgreSQL in one bin dir (Debian keeps it off PATH)', () => {
    const pg = findPostgresBinaries();
    assert.equal(hasServerBinaries('postgres'), pg !== null);
    if (!pg) return;
    for (const file of [pg.initdb, pg.postgres]) assert.equal(path.dirname(file), pg.binDir);
    assert.match(pg.psql, /psql$/);
  });

  it('finds MariaDB and Redis when installed, consistently with hasServerBinaries', () => {
    const maria = findMariadbBinaries();
    assert.equal(hasServerBinaries('mysql'), maria !== null);
    if (maria) assert.match(path.basename(maria.server), /^(mariadbd|mysqld)$/);
    assert.equal(hasServerBinaries('redis'), findRedisBinaries() !== null);
  });
});
