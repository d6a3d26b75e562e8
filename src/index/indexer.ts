import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { chunkFile, languageOf } from './chunker.js';
import { IndexDb, type IndexMeta } from './index-db.js';
import { acquireIndexLock } from './index-lock.js';
import { readInside } from './read-inside.js';
import type { Embedder, VectorStore } from './types.js';
import { walkRepository } from './walk.js';

/** An embedder and the vector store its vectors go to. */
export interface VectorSide {
  embedder: Embedder;
  store: VectorStore;
}

/** Progress of a build, for task lists and the API's index status. */
export interface BuildProgress {
  stage: 'walk' | 'chunk' | 'embed';
  done: number;
  total: number;
}

/** What {@link buildIndex} needs. */
export interface BuildOptions {
  /** The repository's folder. */
  root: string;
  /** The index folder (`index.db`, the lock, a FAISS store's files). */
  dir: string;
  /** Embedder and vector store; null or absent: text search only. */
  vector?: VectorSide | null;
  /** Walk limits (see `walk.ts` for the defaults). */
  walkLimits?: Parameters<typeof walkRepository>[1];
  onProgress?: (progress: BuildProgress) => void;
  /** Stops the build between files and between embedding batches (the index stays consistent). */
  signal?: AbortSignal;
  /** The caller already holds the index's lock ({@link acquireIndexLock}); default false. */
  locked?: boolean;
}

/** What a build did. */
export interface BuildResult {
  files: number;
  chunks: number;
  /** Files whose content changed (or were new) and were chunked again. */
  changed: number;
  /** Files that left the repository (or the walk) and left the index. */
  removed: number;
  /** Chunks embedded into the vector store by this build. */
  embedded: number;
  /** Wall time, ms. */
  durationMs: number;
  /** A walk limit that was hit, or null. */
  truncated: string | null;
  meta: IndexMeta;
}

/** Chunks embedded per call to the embedder (measured batch for MiniLM on 2 cores). */
const EMBED_BATCH = 32;
/** Chunks upserted between two vector-store flushes; only flushed chunks are marked embedded. */
const FLUSH_EVERY = 1024;

/**
 * Builds or updates the index of `root` in `dir`, incrementally: a file whose size and
 * mtime are unchanged is not read; one whose content hash is unchanged is not chunked
 * again; a changed file's chunks are replaced in one transaction; files gone from the walk
 * leave the index. With a vector side, chunks not yet in the store are embedded in batches,
 * and marked embedded only after the store flushed them; a different embedder or store than
 * the index recorded empties the store and embeds everything again. Ids the store holds that
 * the index no longer has (a build killed between the two) are removed first. Meta `status`
 * is `building` until the build completes, so a killed build is visible and the next build
 * finishes it.
 *
 * @throws IndexBusyError when another process is building the same index.
 * @throws Error from the embedder or the store (the index database stays consistent).
 */
export async function buildIndex(options: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const root = await realpath(options.root);
  const lock = options.locked ? null : await acquireIndexLock(options.dir);
  const db = IndexDb.open(path.join(options.dir, 'index.db'));
  try {
    db.setMeta({ status: 'building' });
    const vector = options.vector ?? null;
    if (vector) await alignVectorStore(db, vector);

    const walk = await walkRepository(root, options.walkLimits);
    const known = db.files();
    const removedIds: number[] = [];
    let changed = 0;
    let removed = 0;
    const seen = new Set<string>();
    let done = 0;
    for (const file of walk.files) {
      options.signal?.throwIfAborted();
      seen.add(file.path);
      options.onProgress?.({ stage: 'chunk', done: done++, total: walk.files.length });
      const before = known.get(file.path);
      if (before && before.size === file.size && before.mtimeMs === file.mtimeMs) continue;
      const bytes = await readInside(root, file.path, Number.MAX_SAFE_INTEGER);
      if (bytes === null) continue;
      const hash = createHash('sha256').update(bytes).digest('hex');
      const language = languageOf(file.path);
      const row = { path: file.path, hash, size: file.size, mtimeMs: file.mtimeMs, language };
      if (before?.hash === hash) {
        db.touchFile(row);
        continue;
      }
      const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
      const chunks = await chunkFile(file.path, text);
      removedIds.push(...db.replaceFile(row, chunks).removed);
      changed += 1;
    }
    for (const filePath of known.keys()) {
      if (seen.has(filePath)) continue;
      removedIds.push(...db.removeFile(filePath));
      removed += 1;
    }
    const truncated = walk.truncated
      ? `${walk.truncated.limit}: ${walk.truncated.omitted} files left out`
      : null;
    db.setMeta({ truncated });

    let embedded = 0;
    if (vector) {
      if (removedIds.length > 0) await vector.store.remove(removedIds);
      embedded = await embedPending(db, vector, options);
    }
    db.setMeta({ status: 'ready', builtAt: new Date().toISOString() });
    const counts = db.counts();
    return {
      files: counts.files,
      chunks: counts.chunks,
      changed,
      removed,
      embedded,
      durationMs: Date.now() - started,
      truncated,
      meta: db.meta(),
    };
  } finally {
    db.close();
    await lock?.release();
  }
}

/** Empties the store when the embedder or store changed; removes ids the index lost. */
async function alignVectorStore(db: IndexDb, { embedder, store }: VectorSide): Promise<void> {
  const meta = db.meta();
  if (
    meta.embedder !== embedder.id ||
    meta.vectorStore !== store.kind ||
    meta.dimension !== embedder.dimension
  ) {
    const held = await store.ids();
    if (held.length > 0) await store.remove(held);
    await store.flush();
    db.resetEmbedded();
    db.setMeta({ embedder: embedder.id, vectorStore: store.kind, dimension: embedder.dimension });
    return;
  }
  const live = db.chunkIds();
  const stale = (await store.ids()).filter((id) => !live.has(id));
  if (stale.length > 0) {
    await store.remove(stale);
    await store.flush();
  }
}

async function embedPending(
  db: IndexDb,
  { embedder, store }: VectorSide,
  options: BuildOptions,
): Promise<number> {
  const total = db.counts().pending;
  let embedded = 0;
  let unflushed: number[] = [];
  let cursor = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const batch = db.pendingEmbeddings(EMBED_BATCH, cursor);
    if (batch.length === 0) break;
    cursor = batch[batch.length - 1]!.id;
    const vectors = await embedder.embed(batch.map((c) => `${c.path}\n${c.content}`));
    await store.upsert(batch.map((c, i) => ({ id: c.id, vector: vectors[i]! })));
    unflushed.push(...batch.map((c) => c.id));
    embedded += batch.length;
    options.onProgress?.({ stage: 'embed', done: embedded, total });
    if (unflushed.length >= FLUSH_EVERY) {
      await store.flush();
      db.markEmbedded(unflushed);
      unflushed = [];
    }
  }
  await store.flush();
  db.markEmbedded(unflushed);
  return embedded;
}
