import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { IndexDb, ftsQuery, identifierParts } from './index-db.js';
import { IndexBusyError, acquireIndexLock } from './index-lock.js';
import { buildIndex } from './indexer.js';
import { NoIndexError, searchIndex } from './search.js';

const temps: string[] = [];
async function temp(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
after(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), content);
  }
}

const text = async (dir: string, query: string): Promise<string[]> =>
  (await searchIndex({ dir, query, limit: 10, mode: 'text' })).hits.map((h) => h.path);

describe('index database', () => {
  it('splits identifiers so camelCase and snake_case parts match words', () => {
    assert.match(identifierParts('getUserName'), /\bget\b.*\buser\b.*\bname\b/i);
    assert.equal(ftsQuery('SECRET_KEY port'), '"secret" OR "key" OR "port"');
    assert.equal(ftsQuery('getUserName', 'AND'), '"get" AND "user" AND "name"');
    assert.equal(
      ftsQuery('how is getUserName used', 'OR'),
      '"getusername" OR "used" OR "get" OR "user" OR "name"',
    );
    assert.equal(ftsQuery('   '), null);
    assert.equal(ftsQuery('"); DROP TABLE chunks; --'), '"drop" OR "table" OR "chunks"');
  });
});

describe('buildIndex (text)', () => {
  let root: string;
  let dir: string;
  before(async () => {
    root = await temp('rr-idx-repo-');
    dir = await temp('rr-idx-');
    await writeTree(root, {
      'config.py': "import os\n\nclass Config:\n    SECRET_KEY = os.environ['SECRET_KEY']\n",
      'app/routes.py': 'def reset_password(user):\n    send_email(user, "reset your password")\n',
      'src/server.ts': 'export function startServer(port: number) {\n  return listen(port);\n}\n',
      'README.md': '# Demo\n\nRun it with `make run`.\n',
      'bad-utf8.txt': Buffer.from([
        0x6f, 0x6b, 0x20, 0xff, 0xfe, 0x20, 0x6c, 0x69, 0x6e, 0x65, 0x0a,
      ]),
      'node_modules/dep/index.js': 'module.exports = SECRET_KEY;\n',
      '.gitignore': 'generated/\n',
      'generated/out.py': 'SECRET_KEY = 1\n',
    });
  });

  it('indexes what the walk keeps, finds identifiers by their words, skips dependencies', async () => {
    const result = await buildIndex({ root, dir });
    assert.equal(result.changed, result.files);
    assert.ok(result.chunks >= 4, `${result.chunks} chunks`);
    assert.equal(result.meta.status, 'ready');
    assert.deepEqual(
      await text(dir, 'secret key'),
      ['config.py'],
      JSON.stringify((await searchIndex({ dir, query: 'secret key', limit: 5 })).hits),
    );
    assert.deepEqual(await text(dir, 'startServer'), ['src/server.ts']);
    assert.deepEqual(await text(dir, 'start server'), ['src/server.ts']);
    assert.deepEqual(await text(dir, 'line'), ['bad-utf8.txt']);
    const [hit] = (await searchIndex({ dir, query: 'SECRET_KEY', limit: 1 })).hits;
    assert.equal(hit?.startLine, 3, 'the class, not the import');
    assert.equal(hit.endLine, 4);
    assert.match(hit!.snippet, /SECRET_KEY = os.environ/);
  });

  it('re-reads nothing when nothing changed, and only what changed after an edit', async () => {
    const warm = await buildIndex({ root, dir });
    assert.equal(warm.changed, 0);
    assert.equal(warm.removed, 0);
    // Same content, new mtime: hashed again but not chunked again.
    const later = new Date(Date.now() + 5000);
    await utimes(path.join(root, 'README.md'), later, later);
    assert.equal((await buildIndex({ root, dir })).changed, 0);

    await writeFile(path.join(root, 'app/routes.py'), 'def follow(user, other):\n    pass\n');
    const edited = await buildIndex({ root, dir });
    assert.equal(edited.changed, 1);
    assert.deepEqual(await text(dir, 'follow'), ['app/routes.py']);
    assert.deepEqual(await text(dir, 'reset password'), []);

    await unlink(path.join(root, 'src/server.ts'));
    const removed = await buildIndex({ root, dir });
    assert.equal(removed.removed, 1);
    assert.deepEqual(await text(dir, 'startServer'), []);
  });

  it('refuses a second build of the same index while one holds the lock', async () => {
    const lock = await acquireIndexLock(dir);
    try {
      await assert.rejects(buildIndex({ root, dir }), IndexBusyError);
    } finally {
      await lock.release();
    }
    assert.equal((await buildIndex({ root, dir })).meta.status, 'ready');
  });

  it('says how to build an index when there is none', async () => {
    const empty = await temp('rr-idx-none-');
    await assert.rejects(searchIndex({ dir: empty, query: 'x', limit: 5 }), (err: unknown) => {
      assert.ok(err instanceof NoIndexError);
      assert.match(err.message, /repo-runner index/);
      return true;
    });
  });
});

/** A build of `root` into `dir` in its own process, which prints each progress step. */
const CHILD = `
import { buildIndex } from ${JSON.stringify(path.join(import.meta.dirname, 'indexer.ts'))};
await buildIndex({ root: process.argv[1], dir: process.argv[2],
  onProgress: (p) => process.stdout.write(p.stage + ' ' + p.done + '\\n') });
`;

describe('a build killed part-way', () => {
  it('leaves a consistent index that the next build completes to what a clean build gives', async () => {
    const root = await temp('rr-idx-kill-repo-');
    const files: Record<string, string> = {};
    for (let i = 0; i < 1500; i++) {
      const body = Array.from({ length: 30 }, (_, j) => `    total += value_${i}_${j} * ${j}`);
      files[`pkg${i % 30}/mod${i}.py`] =
        `def compute_${i}(value):\n    total = 0\n${body.join('\n')}\n    return total\n`;
    }
    await writeTree(root, files);
    const dir = await temp('rr-idx-kill-');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', CHILD, root, dir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const killedAt = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const done = [...out.matchAll(/chunk (\d+)/g)].map((x) => Number(x[1])).pop() ?? 0;
        if (done >= 400 && child.kill('SIGKILL')) resolve(done);
      });
      child.on('exit', () =>
        reject(new Error(`the build ended before it could be killed: ${out.slice(-200)}`)),
      );
    });
    await new Promise((r) => child.once('close', r));

    const raw = new Database(path.join(dir, 'index.db'), { readonly: true });
    try {
      assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
      const status = raw.prepare("SELECT value FROM meta WHERE key = 'status'").pluck().get();
      assert.equal(status, 'building', 'a killed build is visible as building');
      const filesDone = raw.prepare('SELECT COUNT(*) FROM files').pluck().get() as number;
      assert.ok(
        filesDone > 0 && filesDone < 1500,
        `${filesDone} files indexed when killed at ${killedAt}`,
      );
      // Per-file transactions: every file recorded has all its chunks.
      const orphans = raw
        .prepare(
          'SELECT COUNT(*) FROM files f WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.path = f.path)',
        )
        .pluck()
        .get();
      assert.equal(orphans, 0);
    } finally {
      raw.close();
    }
    // The lock of the killed process does not block the next build (its pid is gone).
    const resumed = await buildIndex({ root, dir });
    assert.equal(resumed.meta.status, 'ready');
    const clean = await temp('rr-idx-clean-');
    const fresh = await buildIndex({ root, dir: clean });
    assert.equal(resumed.files, fresh.files);
    assert.equal(resumed.chunks, fresh.chunks);
    assert.deepEqual(await text(dir, 'compute_1234'), await text(clean, 'compute_1234'));
    assert.equal((await text(dir, 'compute_1234'))[0], 'pkg4/mod1234.py');
    const db = IndexDb.open(path.join(dir, 'index.db'));
    try {
      assert.equal(db.counts().files, 1500);
    } finally {
      db.close();
    }
  });
});
