import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { startChromaServer } from './chroma-server.js';
import { openChromaStore } from './chroma-store.js';
import { createHashingEmbedder } from './hashing-embedder.js';
import { IndexDb } from './index-db.js';
import { buildIndex } from './indexer.js';
import { createLocalEmbedder } from './local-embedder.js';
import { openBackend, type OpenedBackend } from './open-backend.js';
import { searchIndex } from './search.js';
import type { IndexBackendName } from './select-backend.js';
import type { Embedder } from './types.js';

/**
 * Search through each backend as a run uses it (issue #13 item 2): `openBackend` → `buildIndex`
 * → `searchIndex`, on real FAISS and a real Chroma server started here, with the local
 * all-MiniLM-L6-v2 embedder. In CI a backend that falls back is a failure.
 */
const CI = process.env.CI === 'true';
const modelsDir =
  process.env.REPO_RUNNER_MODELS_DIR ?? path.join(tmpdir(), 'repo-runner-test-models');
const temps: string[] = [];
const temp = async (prefix: string) => {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};

let minilm: Embedder | null = null;
before(async () => {
  try {
    minilm = await createLocalEmbedder({ modelsDir });
  } catch (err) {
    if (CI) throw err;
  }
});
after(async () => {
  await minilm?.close?.();
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

const FILES: Record<string, string> = {
  'server.js': [
    "const express = require('express');",
    'const app = express();',
    'app.listen(process.env.PORT || 3000, () => console.log("listening"));',
    '',
  ].join('\n'),
  'auth.py': [
    'import bcrypt',
    '',
    'def check_password(user, password):',
    '    return bcrypt.checkpw(password.encode(), user.password_hash)',
    '',
  ].join('\n'),
  'mailer.py': [
    'import smtplib',
    '',
    'def send_welcome_email(address):',
    '    with smtplib.SMTP("localhost") as smtp:',
    '        smtp.sendmail("noreply@example.org", [address], "Welcome aboard")',
    '',
  ].join('\n'),
  'README.md': '# Shop\n\nA small shop: an Express front and Python workers.\n',
};

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), content);
  }
}

const paths = (hits: { path: string }[]) => hits.map((h) => h.path);

for (const backend of ['text', 'faiss', 'chroma'] as IndexBackendName[]) {
  describe(`search over ${backend}`, () => {
    let root: string;
    let dir: string;
    let opened: OpenedBackend | null = null;
    let skip: string | undefined;
    before(async () => {
      root = await temp(`rr-be-${backend}-repo-`);
      dir = await temp(`rr-be-${backend}-idx-`);
      await writeTree(root, FILES);
      if (!minilm && backend !== 'text') {
        skip = 'the model files are unavailable';
        return;
      }
      opened = await openBackend(backend, { dir, home: dir, env: {}, embedder: minilm! });
      if (opened.backend !== backend) {
        if (CI) assert.fail(`${backend} fell back: ${opened.fallbacks.join('; ')}`);
        skip = opened.fallbacks.join('; ');
      }
    });
    after(() => opened?.close());

    it('builds, embeds every chunk, and finds code by words and by meaning', async (t) => {
      if (skip) return t.skip(skip);
      const built = await buildIndex({ root, dir, vector: opened!.vector });
      assert.equal(built.files, 4);
      assert.equal(built.embedded, backend === 'text' ? 0 : built.chunks);
      const text = await searchIndex({ dir, query: 'check_password', limit: 3, mode: 'text' });
      assert.equal(text.hits[0]?.path, 'auth.py');
      if (backend === 'text') return;
      const vector = opened!.vector!;
      assert.equal(await vector.store.count(), built.chunks);
      // Words the code does not use: only the embedding can tie them to it.
      const meaning = await searchIndex({
        dir,
        query: 'deliver a greeting message to a new customer',
        limit: 3,
        mode: 'vector',
        vector,
      });
      assert.equal(meaning.hits[0]?.path, 'mailer.py', JSON.stringify(paths(meaning.hits)));
      const hybrid = await searchIndex({ dir, query: 'http server port', limit: 3, vector });
      assert.equal(hybrid.mode, 'hybrid');
      assert.equal(hybrid.hits[0]?.path, 'server.js', JSON.stringify(paths(hybrid.hits)));
    });

    it('re-embeds only what changed, and a deleted file leaves every search', async (t) => {
      if (skip) return t.skip(skip);
      await writeFile(
        path.join(root, 'mailer.py'),
        'def send_invoice(address):\n    print("invoice for", address)\n',
      );
      await unlink(path.join(root, 'auth.py'));
      const built = await buildIndex({ root, dir, vector: opened!.vector });
      assert.equal(built.changed, 1);
      assert.equal(built.removed, 1);
      const modes =
        backend === 'text' ? (['text'] as const) : (['text', 'vector', 'hybrid'] as const);
      for (const mode of modes) {
        const found = await searchIndex({
          dir,
          query: 'check password bcrypt',
          limit: 10,
          mode,
          vector: opened!.vector,
        });
        assert.ok(!paths(found.hits).includes('auth.py'), `${mode}: ${paths(found.hits)}`);
      }
      if (backend === 'text') return;
      const db = IndexDb.open(path.join(dir, 'index.db'));
      try {
        assert.equal(
          built.embedded,
          db.chunks([...db.chunkIds()]).filter((c) => c.path === 'mailer.py').length,
        );
        assert.deepEqual(
          (await opened!.vector!.store.ids()).sort((a, b) => a - b),
          [...db.chunkIds()].sort((a, b) => a - b),
          'the store holds exactly the live chunks',
        );
      } finally {
        db.close();
      }
    });

    it('embeds everything again when the embedder changes', async (t) => {
      if (skip || backend === 'text') return t.skip(skip ?? 'no vectors');
      const store = opened!.vector!.store;
      const hashing = createHashingEmbedder(minilm!.dimension);
      const built = await buildIndex({ root, dir, vector: { embedder: hashing, store } });
      assert.equal(built.embedded, built.chunks);
      assert.equal(built.meta.embedder, hashing.id);
      assert.equal(await store.count(), built.chunks);
    });
  });
}

describe('a Chroma server that dies mid-index', () => {
  it('fails the build with a consistent index, which the next build completes', async (t) => {
    if (!minilm && !CI) return t.skip('no model needed, but Chroma is checked with the rest');
    const root = await temp('rr-be-die-repo-');
    const dir = await temp('rr-be-die-idx-');
    const files: Record<string, string> = {};
    for (let i = 0; i < 120; i++)
      files[`m${i}.py`] = `def handler_${i}(request):\n    return ${i}\n`;
    await writeTree(root, files);
    const dataDir = path.join(dir, 'chroma');
    const hashing = createHashingEmbedder(64);
    let server = await startChromaServer({ dataDir });
    let calls = 0;
    // Kills the server (its whole group) once the second batch is being embedded.
    const killing: Embedder = {
      id: hashing.id,
      dimension: hashing.dimension,
      lexical: true,
      embed: async (texts) => {
        if (++calls === 2) process.kill(-server.pid, 'SIGKILL');
        return hashing.embed(texts);
      },
    };
    try {
      let store = await openChromaStore({ url: server.url, collection: 'rr_die', dimension: 64 });
      await assert.rejects(buildIndex({ root, dir, vector: { embedder: killing, store } }));
      const raw = new Database(path.join(dir, 'index.db'), { readonly: true });
      try {
        assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
        assert.equal(
          raw.prepare("SELECT value FROM meta WHERE key = 'status'").pluck().get(),
          'building',
        );
        const pending = raw.prepare('SELECT COUNT(*) FROM chunks WHERE embedded = 0').pluck().get();
        assert.ok((pending as number) > 0, 'chunks not in the store are not marked embedded');
      } finally {
        raw.close();
      }
      await server.stop();
      server = await startChromaServer({ dataDir });
      store = await openChromaStore({ url: server.url, collection: 'rr_die', dimension: 64 });
      const built = await buildIndex({ root, dir, vector: { embedder: hashing, store } });
      assert.equal(built.meta.status, 'ready');
      assert.equal(built.chunks, 120);
      assert.equal(await store.count(), 120);
      const hit = await searchIndex({
        dir,
        query: 'handler_77',
        limit: 1,
        mode: 'vector',
        vector: { embedder: hashing, store },
      });
      assert.equal(hit.hits[0]?.path, 'm77.py');
    } finally {
      await server.stop();
    }
  });
});

describe('an embedder of another dimension', () => {
  it('rebuilds the FAISS store when building, and falls back to text when searching', async (t) => {
    const root = await temp('rr-be-dim-repo-');
    const dir = await temp('rr-be-dim-idx-');
    await writeTree(root, FILES);
    const first = await openBackend('faiss', {
      dir,
      home: dir,
      env: {},
      embedder: createHashingEmbedder(32),
    });
    if (first.backend !== 'faiss') {
      await first.close();
      if (CI) assert.fail(first.fallbacks.join('; '));
      return t.skip(first.fallbacks.join('; '));
    }
    await buildIndex({ root, dir, vector: first.vector });
    await first.close();
    const wider = createHashingEmbedder(48);
    const searching = await openBackend('faiss', { dir, home: dir, env: {}, embedder: wider });
    assert.equal(searching.backend, 'text', 'a search does not delete the store');
    assert.match(searching.fallbacks.join(';'), /32-dimensional/);
    const building = await openBackend('faiss', {
      dir,
      home: dir,
      env: {},
      embedder: wider,
      rebuild: true,
    });
    try {
      assert.equal(building.backend, 'faiss', building.fallbacks.join('; '));
      const built = await buildIndex({ root, dir, vector: building.vector });
      assert.equal(built.embedded, built.chunks);
      assert.equal(built.meta.dimension, 48);
    } finally {
      await building.close();
    }
  });
});
