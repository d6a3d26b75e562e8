/**
 * The vector side of `npm run bench:index`: FAISS and a real Chroma server each holding
 * `count` 384-d unit vectors (embedding-like or uniformly random), their insert time, search latency and recall@10 against
 * brute force, and what holding the vectors costs (process memory for FAISS, the data folder
 * and server memory for Chroma).
 */
import { startChromaServer, type ChromaServer } from '../src/index/chroma-server.js';
import { openChromaStore } from '../src/index/chroma-store.js';
import { openFaissStore } from '../src/index/faiss-store.js';
import type { VectorItem, VectorStore } from '../src/index/types.js';
import { bruteForce, randomUnitVectors } from '../src/index/vector-store.test-kit.js';
import { dirBytes, memoryNow, percentile, round, rssOfPid, since } from './index-measure.js';

/** Vector length: all-MiniLM-L6-v2's. */
export const DIMENSION = 384;
/** Vectors per upsert call. */
const INSERT_BATCH = 5000;
/** Queries run before timing (caches, lazy loads). */
const WARM_UP = 10;

/** One store's numbers. */
export interface VectorStoreResult {
  store: 'faiss' | 'chroma';
  vectors: number;
  insertMs: number;
  insertsPerS: number;
  p50Ms: number;
  p95Ms: number;
  recallAt10: number;
  /** FAISS: the bench process's RSS / V8 heap / external growth; Chroma: the server's RSS. */
  rssDeltaMB?: number;
  heapDeltaMB?: number;
  externalDeltaMB?: number;
  serverRssMB?: number | null;
  /** Bytes on disk after flush (the FAISS file, Chroma's data folder), MB. */
  diskMB: number;
  /** Why the store could not be measured. */
  error?: string;
}

/** The vectors, the queries and the exact answers both stores are scored against. */
export interface VectorWorkload {
  items: VectorItem[];
  queries: Float32Array[];
  /** Exact top-10 ids per query. */
  truth: Set<number>[];
  /** Time of one exact search in JS, ms. */
  exactMsPerQuery: number;
}

/**
 * Exact top 10 by inner product over a flat copy of the vectors: the test kit's
 * `bruteForce` scores and sorts every item per query, about 0.5 s at 100k here, so it only
 * checks this on the first queries.
 */
function exactTop10(flat: Float32Array, ids: readonly number[], q: Float32Array): number[] {
  const top: { id: number; score: number }[] = [];
  for (let row = 0; row < ids.length; row++) {
    let dot = 0;
    for (let i = 0, o = row * DIMENSION; i < DIMENSION; i++) dot += flat[o + i]! * q[i]!;
    if (top.length === 10 && dot <= top[9]!.score) continue;
    let at = top.length === 10 ? 9 : top.length;
    while (at > 0 && top[at - 1]!.score < dot) at--;
    top.splice(at, 0, { id: ids[row]!, score: dot });
    if (top.length > 10) top.pop();
  }
  return top.map((h) => h.id);
}

/** Draws `count` unit vectors of {@link DIMENSION} from a seed (same seed, same vectors). */
export type VectorSource = (count: number, seed: number) => Float32Array[];

/** Uniformly random unit vectors: HNSW's worst case (no neighbourhood structure). */
export const randomSource: VectorSource = (count, seed) =>
  randomUnitVectors(count, DIMENSION, seed);

/**
 * `count` vectors (ids 1..count) and `queries` queries, both drawn from `source`, and the
 * queries' exact top 10.
 */
export function vectorWorkload(
  count: number,
  queries: number,
  source: VectorSource = randomSource,
): VectorWorkload {
  const items = source(count, 5).map((vector, i) => ({ id: i + 1, vector }));
  const qs = source(queries, 99);
  const flat = new Float32Array(count * DIMENSION);
  items.forEach((item, row) => flat.set(item.vector, row * DIMENSION));
  const ids = items.map((i) => i.id);
  const t0 = performance.now();
  const truth = qs.map((q) => new Set(exactTop10(flat, ids, q)));
  const exactMs = since(t0) / qs.length;
  const checked = Math.min(3, qs.length);
  for (let i = 0; i < checked; i++) {
    const kit = bruteForce(items, qs[i]!, 10).map((h) => h.id);
    if (kit.some((id) => !truth[i]!.has(id)))
      throw new Error(`exact top 10 of query ${i} differs from bruteForce`);
  }
  return { items, queries: qs, truth, exactMsPerQuery: exactMs };
}

async function insertAll(store: VectorStore, w: VectorWorkload, log: (m: string) => void) {
  const t0 = performance.now();
  for (let i = 0; i < w.items.length; i += INSERT_BATCH) {
    await store.upsert(w.items.slice(i, i + INSERT_BATCH));
    if ((i / INSERT_BATCH) % 5 === 4)
      log(`  ${store.kind}: ${i + INSERT_BATCH} vectors in ${since(t0)} ms`);
  }
  await store.flush();
  return since(t0);
}

async function searchAll(store: VectorStore, w: VectorWorkload) {
  for (const q of w.queries.slice(0, WARM_UP)) await store.search(q, 10);
  const latencies: number[] = [];
  let found = 0;
  for (const [i, q] of w.queries.entries()) {
    const t0 = performance.now();
    const hits = await store.search(q, 10);
    latencies.push(performance.now() - t0);
    for (const h of hits) if (w.truth[i]!.has(h.id)) found += 1;
  }
  return {
    p50Ms: round(percentile(latencies, 50), 2),
    p95Ms: round(percentile(latencies, 95), 2),
    recallAt10: round(found / (w.queries.length * 10), 3),
  };
}

const failed = (store: 'faiss' | 'chroma', vectors: number, err: unknown): VectorStoreResult => ({
  store,
  vectors,
  insertMs: NaN,
  insertsPerS: NaN,
  p50Ms: NaN,
  p95Ms: NaN,
  recallAt10: NaN,
  diskMB: NaN,
  error: (err as Error).message,
});

/** The FAISS store in `dir`, and how much this process grew while it took the vectors. */
export async function measureFaiss(
  dir: string,
  w: VectorWorkload,
  log: (m: string) => void,
): Promise<VectorStoreResult> {
  let store: VectorStore | null = null;
  try {
    const before = memoryNow();
    const opened: VectorStore = await openFaissStore(dir, DIMENSION);
    store = opened;
    const insertMs = await insertAll(opened, w, log);
    const after = memoryNow();
    const search = await searchAll(opened, w);
    return {
      store: 'faiss',
      vectors: w.items.length,
      insertMs,
      insertsPerS: Math.round(w.items.length / (insertMs / 1000)),
      ...search,
      rssDeltaMB: round(after.rssMB - before.rssMB),
      heapDeltaMB: round(after.heapMB - before.heapMB),
      externalDeltaMB: round(after.externalMB - before.externalMB),
      diskMB: round(dirBytes(dir) / 1024 / 1024),
    };
  } catch (err) {
    return failed('faiss', w.items.length, err);
  } finally {
    await store?.close();
  }
}

/** A Chroma server started for the bench with its data in `dataDir`; always stopped. */
export async function measureChroma(
  dataDir: string,
  w: VectorWorkload,
  log: (m: string) => void,
): Promise<VectorStoreResult> {
  let server: ChromaServer | null = null;
  let store: VectorStore | null = null;
  try {
    server = await startChromaServer({ dataDir, log: (m) => log(`  ${m}`) });
    const url = server.url;
    store = await openChromaStore({ url, collection: 'bench_index', dimension: DIMENSION });
    const insertMs = await insertAll(store, w, log);
    const search = await searchAll(store, w);
    return {
      store: 'chroma',
      vectors: w.items.length,
      insertMs,
      insertsPerS: Math.round(w.items.length / (insertMs / 1000)),
      ...search,
      serverRssMB: ((mb) => (mb === null ? null : round(mb)))(rssOfPid(server.pid)),
      diskMB: round(dirBytes(dataDir) / 1024 / 1024),
    };
  } catch (err) {
    return failed('chroma', w.items.length, err);
  } finally {
    await store?.close();
    await server?.stop();
  }
}
