/**
 * Measuring helpers of `npm run bench:index`: percentiles, memory, sizes on disk, a timed
 * embedder and an in-memory vector store (so embedding throughput is measured apart from any
 * real store, whose own insert cost the bench measures separately).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Embedder, VectorHit, VectorItem, VectorStore } from '../src/index/types.js';

/** Nearest-rank percentile of `xs` (0 < p ≤ 100). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Milliseconds since `t0` (a `performance.now()`), rounded to 0.1. */
export const since = (t0: number): number => Math.round((performance.now() - t0) * 10) / 10;

/** Rounds to `digits` decimals, for the JSON line. */
export const round = (x: number, digits = 1): number => Number(x.toFixed(digits));

setFlagsFromString('--expose-gc');
/** V8's full collection, reached without a command-line flag (the npm script has none). */
const gc = runInNewContext('gc') as () => void;

/** RSS, V8 heap and external (ArrayBuffer and native) bytes in MB, after two full collections. */
export function memoryNow(): { rssMB: number; heapMB: number; externalMB: number } {
  gc();
  gc();
  const m = process.memoryUsage();
  const mb = (b: number): number => b / 1024 / 1024;
  return { rssMB: mb(m.rss), heapMB: mb(m.heapUsed), externalMB: mb(m.external) };
}

/** Resident memory of another process, MB (VmRSS in /proc), or null when it cannot be read. */
export function rssOfPid(pid: number): number | null {
  try {
    const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return line ? Number(line[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Bytes of every file under `dir` (0 when missing). */
export function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += dirBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

/** An embedder that adds the time spent inside `embed` to `timing.ms`. */
export function timedEmbedder(inner: Embedder, timing: { ms: number; texts: number }): Embedder {
  return {
    id: inner.id,
    dimension: inner.dimension,
    lexical: inner.lexical,
    async embed(texts) {
      const t0 = performance.now();
      try {
        return await inner.embed(texts);
      } finally {
        timing.ms += performance.now() - t0;
        timing.texts += texts.length;
      }
    },
  };
}

/** A vector store in a Map with brute-force search: costs next to nothing beside an embedder. */
export function memoryStore(dimension: number): VectorStore {
  const held = new Map<number, Float32Array>();
  return {
    // VectorStoreKind has no 'memory'; the kind only lands in the throwaway sample index's meta.
    kind: 'faiss',
    dimension,
    upsert: async (items: readonly VectorItem[]) => items.forEach((i) => held.set(i.id, i.vector)),
    remove: async (ids) => ids.forEach((id) => held.delete(id)),
    async search(q, k): Promise<VectorHit[]> {
      const hits = [...held].map(([id, v]) => ({
        id,
        score: v.reduce((s, x, i) => s + x * q[i]!, 0),
      }));
      return hits.sort((a, b) => b.score - a.score).slice(0, k);
    },
    count: async () => held.size,
    ids: async () => [...held.keys()],
    flush: async () => {},
    close: async () => {},
  };
}
