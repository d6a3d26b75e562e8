import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VectorHit, VectorItem, VectorStore } from './types.js';

/** How a conformance run opens the store under test. */
export interface VectorStoreUnderTest {
  /** Shown in the suite's name. */
  name: string;
  /**
   * Opens (or reopens) the store kept in `dir` (a fresh temporary folder per case; the same
   * folder again for the reopen case). `collection` is unique per case, for stores that
   * share one server.
   */
  open(dir: string, dimension: number, collection: string): Promise<VectorStore>;
  /** Runs once before every case (start a server), and once after (stop it). */
  setUp?(): Promise<void>;
  tearDown?(): Promise<void>;
}

/** Deterministic unit vectors (mulberry32), so a failure is repeatable. */
export function randomUnitVectors(count: number, dimension: number, seed = 1): Float32Array[] {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const v = new Float32Array(dimension);
    let norm = 0;
    for (let i = 0; i < dimension; i++) {
      v[i] = next() * 2 - 1;
      norm += v[i]! * v[i]!;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < dimension; i++) v[i] = v[i]! * scale;
    return v;
  });
}

/** Exact nearest ids by inner product: what recall is measured against. */
export function bruteForce(
  items: readonly VectorItem[],
  query: Float32Array,
  k: number,
): VectorHit[] {
  const scored = items.map(({ id, vector }) => {
    let dot = 0;
    for (let i = 0; i < vector.length; i++) dot += vector[i]! * query[i]!;
    return { id, score: dot };
  });
  return scored.sort((a, b) => b.score - a.score).slice(0, k);
}

/**
 * The behaviour every {@link VectorStore} must have: empty search, exact self-match,
 * recall@10 ≥ 0.95 against brute force (the goal), replace by id, removal,
 * durability across close and reopen, and a clear error on a wrong dimension.
 */
export function vectorStoreConformance(under: VectorStoreUnderTest): void {
  describe(`VectorStore conformance: ${under.name}`, () => {
    const DIM = 32;
    let root = '';
    let n = 0;
    const fresh = async (): Promise<{ dir: string; collection: string }> => {
      n += 1;
      return {
        dir: await mkdtemp(join(root, `case-${n}-`)),
        collection: `conformance_${process.pid}_${n}`,
      };
    };
    const items = randomUnitVectors(300, DIM, 7).map((vector, i) => ({ id: i * 3 + 1, vector }));

    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'rr-vector-'));
      await under.setUp?.();
    });
    after(async () => {
      await under.tearDown?.();
      await rm(root, { recursive: true, force: true });
    });

    it('an empty store counts 0 and finds nothing', async () => {
      const { dir, collection } = await fresh();
      const store = await under.open(dir, DIM, collection);
      try {
        assert.equal(await store.count(), 0);
        assert.deepEqual(await store.search(items[0]!.vector, 5), []);
        assert.deepEqual(await store.ids(), []);
      } finally {
        await store.close();
      }
    });

    it('finds each stored vector as its own nearest, with similarity 1', async () => {
      const { dir, collection } = await fresh();
      const store = await under.open(dir, DIM, collection);
      try {
        await store.upsert(items);
        assert.equal(await store.count(), items.length);
        for (const item of items.slice(0, 25)) {
          const [top] = await store.search(item.vector, 3);
          assert.equal(top?.id, item.id);
          assert.ok(Math.abs(top.score - 1) < 1e-3, `score ${top.score} should be ~1`);
        }
        assert.deepEqual(
          (await store.ids()).sort((a, b) => a - b),
          items.map((i) => i.id),
        );
        const few = await store.search(items[0]!.vector, 1000);
        assert.equal(few.length, items.length);
        for (let i = 1; i < few.length; i++)
          assert.ok(few[i - 1]!.score >= few[i]!.score - 1e-6, 'nearest first');
      } finally {
        await store.close();
      }
    });

    it('recall@10 against brute force is at least 0.95', async () => {
      const { dir, collection } = await fresh();
      const store = await under.open(dir, DIM, collection);
      try {
        await store.upsert(items);
        const queries = randomUnitVectors(40, DIM, 99);
        let found = 0;
        for (const q of queries) {
          const truth = new Set(bruteForce(items, q, 10).map((h) => h.id));
          for (const hit of await store.search(q, 10)) if (truth.has(hit.id)) found += 1;
        }
        const recall = found / (queries.length * 10);
        assert.ok(recall >= 0.95, `recall@10 ${recall}`);
      } finally {
        await store.close();
      }
    });

    it('replaces a vector by id and removes ids (unknown ones ignored)', async () => {
      const { dir, collection } = await fresh();
      const store = await under.open(dir, DIM, collection);
      try {
        await store.upsert(items.slice(0, 50));
        const moved = items[60]!.vector;
        await store.upsert([{ id: items[0]!.id, vector: moved }]);
        assert.equal(await store.count(), 50);
        assert.equal((await store.search(moved, 1))[0]?.id, items[0]!.id);
        await store.remove([items[1]!.id, items[2]!.id, 999_999]);
        assert.equal(await store.count(), 48);
        const ids = (await store.search(items[1]!.vector, 48)).map((h) => h.id);
        assert.ok(
          !ids.includes(items[1]!.id) && !ids.includes(items[2]!.id),
          'removed ids never come back',
        );
      } finally {
        await store.close();
      }
    });

    it('keeps what was written across close and reopen', async () => {
      const { dir, collection } = await fresh();
      const first = await under.open(dir, DIM, collection);
      await first.upsert(items.slice(0, 100));
      await first.remove([items[5]!.id]);
      const before = await first.search(items[9]!.vector, 5);
      await first.close();
      const again = await under.open(dir, DIM, collection);
      try {
        assert.equal(await again.count(), 99);
        assert.deepEqual(
          (await again.search(items[9]!.vector, 5)).map((h) => h.id),
          before.map((h) => h.id),
        );
      } finally {
        await again.close();
      }
    });

    it('refuses a vector of the wrong length, naming the dimension', async () => {
      const { dir, collection } = await fresh();
      const store = await under.open(dir, DIM, collection);
      try {
        await assert.rejects(
          store.upsert([{ id: 1, vector: new Float32Array(DIM + 1) }]),
          new RegExp(String(DIM)),
        );
        await assert.rejects(store.search(new Float32Array(DIM - 1), 3), new RegExp(String(DIM)));
        assert.equal(await store.count(), 0);
      } finally {
        await store.close();
      }
    });
  });
}
