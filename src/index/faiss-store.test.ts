import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FAISS_ADDON_PATH, faissAvailable, loadFaissAddon } from './faiss-addon.js';
import type { Manifest } from './faiss-files.js';
import { openFaissStore } from './faiss-store.js';
import { BackendUnavailableError, type VectorItem } from './types.js';
import { bruteForce, randomUnitVectors, vectorStoreConformance } from './vector-store.test-kit.js';

/** Why the real FAISS cannot run here (null when it can). */
function faissSkipReason(): string | null {
  try {
    loadFaissAddon();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

const manifestOf = async (dir: string): Promise<Manifest> =>
  JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;

const itemsOf = (count: number, dimension: number, seed: number, firstId = 0): VectorItem[] =>
  randomUnitVectors(count, dimension, seed).map((vector, i) => ({ id: firstId + i, vector }));

describe('FAISS addon missing', () => {
  it('is a BackendUnavailableError naming the file and how to build it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rr-faiss-missing-'));
    try {
      const addonPath = join(dir, 'faiss_node.node');
      assert.equal(faissAvailable(addonPath), false);
      await assert.rejects(openFaissStore(join(dir, 'faiss'), 8, { addonPath }), (err: unknown) => {
        assert.ok(err instanceof BackendUnavailableError);
        assert.equal(err.backend, 'faiss');
        assert.match(err.reason, /faiss_node\.node is not built/);
        assert.equal(err.hint, 'apt-get install libfaiss-dev, then npm run build:faiss');
        return true;
      });
      await writeFile(addonPath, 'not an addon');
      await assert.rejects(
        openFaissStore(join(dir, 'faiss'), 8, { addonPath }),
        (err: unknown) =>
          err instanceof BackendUnavailableError && /does not load/.test(err.reason),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is looked for under the package root', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    assert.equal(FAISS_ADDON_PATH, join(root, 'build', 'faiss-node', 'faiss_node.node'));
  });
});

const skip = faissSkipReason();
if (skip && process.env.CI === 'true') {
  it('the FAISS addon loads (required in CI)', () => assert.fail(skip));
} else if (skip) {
  it('FAISS store', { skip }, () => {});
} else {
  vectorStoreConformance({ name: 'faiss (flat)', open: (dir, dim) => openFaissStore(dir, dim) });
  // The same behaviour once past the HNSW threshold (tombstones, rebuilds, the HNSW file).
  vectorStoreConformance({
    name: 'faiss (HNSW)',
    open: (dir, dim) => openFaissStore(dir, dim, { hnswThreshold: 20 }),
  });

  describe('FAISS store', () => {
    let root = '';
    let n = 0;
    const fresh = async (): Promise<string> => mkdtemp(join(root, `case-${++n}-`));
    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'rr-faiss-'));
    });
    after(() => rm(root, { recursive: true, force: true }));

    it('switches to HNSW past the threshold with recall@10 ≥ 0.95 against brute force', async () => {
      const dir = await fresh();
      const items = itemsOf(2500, 32, 11);
      const store = await openFaissStore(dir, 32, { hnswThreshold: 1000 });
      try {
        await store.upsert(items.slice(0, 1000));
        await store.flush();
        assert.equal((await manifestOf(dir)).hnsw, null, 'flat up to the threshold');
        for (let i = 1000; i < items.length; i += 500) await store.upsert(items.slice(i, i + 500));
        await store.flush();
        assert.equal((await manifestOf(dir)).hnsw?.rows, 2500);
        let found = 0;
        const queries = randomUnitVectors(50, 32, 12);
        for (const q of queries) {
          const truth = new Set(bruteForce(items, q, 10).map((h) => h.id));
          const hits = await store.search(q, 10);
          assert.equal(hits.length, 10);
          for (const hit of hits) if (truth.has(hit.id)) found += 1;
        }
        const recall = found / (queries.length * 10);
        assert.ok(recall >= 0.95, `recall@10 ${recall}`);
      } finally {
        await store.close();
      }
    });

    it('keeps HNSW tombstones out of results and compacts past 20 % of them', async () => {
      const dir = await fresh();
      const items = itemsOf(500, 16, 21);
      const store = await openFaissStore(dir, 16, { hnswThreshold: 100 });
      try {
        await store.upsert(items);
        await store.flush();
        const first = await manifestOf(dir);
        const gone = items.slice(0, 50).map((i) => i.id);
        await store.remove(gone);
        await store.flush();
        const tombstoned = await manifestOf(dir);
        assert.equal(tombstoned.count, 450);
        assert.equal(tombstoned.rows, 500, 'rows kept below 20 % tombstones');
        assert.equal(tombstoned.hnsw?.file, first.hnsw?.file, 'the HNSW file is reused');
        const near = await store.search(items[3]!.vector, 10); // a removed vector's neighbours
        assert.equal(near.length, 10);
        assert.ok(near.every((h) => !gone.includes(h.id)));
        const truth = new Set(bruteForce(items.slice(50), items[3]!.vector, 10).map((h) => h.id));
        assert.ok(near.filter((h) => truth.has(h.id)).length >= 9, 'the live nearest');
        const all = await store.search(items[0]!.vector, 500);
        assert.equal(all.length, 450, 'every live id, none removed');
        assert.ok(all.every((h) => !gone.includes(h.id)));
        assert.equal((await store.search(items[60]!.vector, 1))[0]?.id, items[60]!.id);

        await store.remove(items.slice(50, 150).map((i) => i.id));
        await store.flush();
        const compacted = await manifestOf(dir);
        assert.equal(compacted.rows, 350);
        assert.equal(compacted.count, 350);
        assert.notEqual(compacted.hnsw?.file, first.hnsw?.file);
        assert.equal((await store.search(items[200]!.vector, 1))[0]?.id, items[200]!.id);
      } finally {
        await store.close();
      }
      const again = await openFaissStore(dir, 16, { hnswThreshold: 100 });
      try {
        assert.equal(await again.count(), 350);
        assert.equal((await again.search(items[499]!.vector, 1))[0]?.id, items[499]!.id);
      } finally {
        await again.close();
      }
    });

    it('reopens the flushed state only, adding rows the HNSW file lags behind', async () => {
      const dir = await fresh();
      const items = itemsOf(1100, 16, 31);
      const writer = await openFaissStore(dir, 16, { hnswThreshold: 100 });
      await writer.upsert(items.slice(0, 1000));
      await writer.flush();
      await writer.upsert(items.slice(1000, 1050));
      await writer.flush(); // 50 rows behind the HNSW file: under 10 %, not rewritten
      const lagging = await manifestOf(dir);
      assert.deepEqual([lagging.rows, lagging.hnsw?.rows], [1050, 1000]);
      await writer.upsert(items.slice(1050)); // never flushed

      const reader = await openFaissStore(dir, 16, { hnswThreshold: 100 });
      try {
        assert.equal(await reader.count(), 1050);
        for (const item of items.slice(1000, 1050))
          assert.equal((await reader.search(item.vector, 1))[0]?.id, item.id);
        await assert.rejects(
          openFaissStore(dir, 8),
          /holds 16-dimensional vectors, not 8-dimensional/,
        );
      } finally {
        await reader.close();
      }
      assert.deepEqual(await manifestOf(dir), lagging, 'a store only read writes nothing');
      await writer.close(); // writes everything, the HNSW file whole
      const closed = await manifestOf(dir);
      assert.deepEqual([closed.rows, closed.hnsw?.rows], [1100, 1100]);
    });

    it('ignores what a torn flush left, and the next flush deletes it', async () => {
      const dir = await fresh();
      const items = itemsOf(200, 16, 41);
      const store = await openFaissStore(dir, 16);
      await store.upsert(items);
      await store.close();
      const manifest = await manifestOf(dir);
      const leftovers = [
        'vectors-9.f32',
        'ids-9.f64',
        'hnsw-9.faiss',
        `manifest.json.tmp-${process.pid + 1}`,
      ];
      for (const name of leftovers) await writeFile(join(dir, name), 'torn');
      await appendFile(join(dir, manifest.vectors), Buffer.alloc(16 * 4 * 3, 7)); // rows past its end

      const again = await openFaissStore(dir, 16);
      try {
        assert.equal(await again.count(), 200);
        assert.equal((await again.search(items[7]!.vector, 1))[0]?.id, items[7]!.id);
        await again.upsert(itemsOf(1, 16, 42, 1000));
        await again.flush();
        const names = await readdir(dir);
        assert.deepEqual(
          names.filter((f) => leftovers.includes(f)),
          [],
        );
        assert.equal(await again.count(), 201);
      } finally {
        await again.close();
      }
      const last = await openFaissStore(dir, 16);
      assert.equal(await last.count(), 201);
      await last.close();
    });

    it('survives SIGKILL during flushes with the last flushed state', async () => {
      const dir = await fresh();
      const store = new URL('./faiss-store.ts', import.meta.url).href;
      const kit = new URL('./vector-store.test-kit.ts', import.meta.url).href;
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          `const { openFaissStore } = await import(${JSON.stringify(store)});
           const { randomUnitVectors } = await import(${JSON.stringify(kit)});
           const s = await openFaissStore(${JSON.stringify(dir)}, 32, { hnswThreshold: 600 });
           for (let b = 0; ; b++) {
             const v = randomUnitVectors(100, 32, b + 1);
             await s.upsert(v.map((vector, i) => ({ id: b * 100 + i, vector })));
             if (b % 3 === 2) await s.remove([b * 100 - 150]);
             await s.flush();
             process.stdout.write('flushed ' + (await s.count()) + '\\n');
           }`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const counts: number[] = [];
      await new Promise<void>((resolve) => {
        let killing = false;
        child.stdout.setEncoding('utf8').on('data', (text: string) => {
          for (const m of text.matchAll(/flushed (\d+)/g)) counts.push(Number(m[1]));
          if (counts.length < 9 || killing) return;
          killing = true; // a few ms into the next flush (or between two)
          setTimeout(() => child.kill('SIGKILL'), 1 + (Date.now() % 7));
        });
        child.on('exit', () => resolve());
      });
      assert.ok(counts.length >= 9, `flushes before the kill: ${counts.join(', ')}`);
      const after = await openFaissStore(dir, 32, { hnswThreshold: 600 });
      try {
        // The last reported flush, or the one the kill cut before it could report.
        const extra = (await after.count()) - counts.at(-1)!;
        assert.ok([0, 99, 100].includes(extra), `${extra} more than flushes ${counts.join(', ')}`);
        for (const id of (await after.ids()).slice(-5)) {
          const b = Math.floor(id / 100);
          const vector = randomUnitVectors(100, 32, b + 1)[id % 100]!;
          assert.equal((await after.search(vector, 1))[0]?.id, id);
        }
      } finally {
        await after.close();
      }
    });
  });
}
