import path from 'node:path';
import {
  faissBuildThreads,
  loadFaissAddon,
  METRIC_INNER_PRODUCT,
  type FaissAddon,
  type FaissIndex,
} from './faiss-addon.js';
import {
  commitManifest,
  ensureDir,
  readExactly,
  readManifest,
  syncFile,
  writeSynced,
  type Manifest,
} from './faiss-files.js';
import { VectorRows } from './faiss-rows.js';
import {
  FAISS_EF_CONSTRUCTION,
  FAISS_EF_SEARCH,
  FAISS_HNSW_M,
  FAISS_HNSW_THRESHOLD,
} from './faiss-tuning.js';
import type { VectorHit, VectorItem, VectorStore } from './types.js';

export { FAISS_ADDON_PATH, FAISS_HINT, faissAvailable } from './faiss-addon.js';
export {
  FAISS_EF_CONSTRUCTION,
  FAISS_EF_SEARCH,
  FAISS_HNSW_M,
  FAISS_HNSW_THRESHOLD,
} from './faiss-tuning.js';

/** Fraction of removed rows past which a flush compacts the rows and rebuilds the index. */
const TOMBSTONE_FRACTION = 0.2;
/**
 * Fraction of rows an HNSW file may lag behind before a flush writes it again (the lagging
 * rows are added on open; `close` always writes it whole).
 */
const HNSW_FILE_LAG = 0.1;
/** Rows per `add` call: each becomes a JS array of `rows × dimension` numbers. */
const ADD_BATCH = 4096;
/**
 * Flat `removeIds` compares every position with every removed one (FAISS's
 * `IDSelectorArray`); past this many comparisons re-adding the live rows is cheaper.
 */
const REMOVE_BUDGET = 20_000_000;

/** Options of {@link openFaissStore}; the defaults are faiss-tuning.ts's measured constants. */
export interface FaissStoreOptions {
  /** Live vectors above which HNSW replaces the flat index; default {@link FAISS_HNSW_THRESHOLD}. */
  hnswThreshold?: number;
  /** Default {@link FAISS_EF_SEARCH}. */
  efSearch?: number;
  /** Default {@link FAISS_EF_CONSTRUCTION}. */
  efConstruction?: number;
  /** The addon to load; default `FAISS_ADDON_PATH`. */
  addonPath?: string;
}

type IndexType = 'flat' | 'hnsw';

/**
 * A {@link VectorStore} kept in the folder `dir` with FAISS (faiss-node's binding built by
 * `npm run build:faiss`): scores are inner products, i.e. cosine similarity of the
 * normalised vectors the embedders produce. Up to `hnswThreshold` live vectors the index is
 * exact (`IndexFlatIP`); past it, HNSW (`HNSW32,Flat`, inner product) with efSearch tuned for
 * recall@10 ≥ 0.95. The vectors and ids are kept beside the index (FAISS here cannot add with
 * ids), so any index can be rebuilt from them. Removal: the flat index removes positions and
 * the position → row map follows; HNSW keeps tombstones, filtered at search (which asks for
 * `k` + tombstones, and scans every row exactly when the graph walk still finds fewer than
 * `k`), and a flush past 20 % tombstones compacts and rebuilds. `flush` writes new files,
 * fsyncs them and renames a manifest over the old one, so a kill leaves the last flushed
 * state (see faiss-files.ts); a store only read never writes. Calls run one at a time, in
 * order; after `close` they reject.
 *
 * @param dir the store's folder (created when missing), e.g. `<index>/faiss`.
 * @param dimension length of every vector.
 * @throws BackendUnavailableError when the addon is not built or does not load; Error when
 * the folder holds vectors of another dimension or files this version cannot read.
 * @example
 * const store = await openFaissStore(path.join(indexDir, 'faiss'), 384);
 * await store.upsert([{ id: 7, vector }]);
 * await store.search(vector, 10); // [{ id: 7, score: 1 }]
 * await store.close();
 */
export async function openFaissStore(
  dir: string,
  dimension: number,
  options: FaissStoreOptions = {},
): Promise<VectorStore> {
  if (!Number.isInteger(dimension) || dimension <= 0) {
    throw new Error(`a FAISS store needs a positive integer dimension, not ${dimension}`);
  }
  const faiss = loadFaissAddon(options.addonPath);
  await ensureDir(dir);
  const store = new FaissStore(faiss, dir, dimension, {
    threshold: options.hnswThreshold ?? FAISS_HNSW_THRESHOLD,
    efSearch: options.efSearch ?? FAISS_EF_SEARCH,
    efConstruction: options.efConstruction ?? FAISS_EF_CONSTRUCTION,
  });
  await store.load();
  return store;
}

class FaissStore implements VectorStore {
  readonly kind = 'faiss' as const;
  private readonly rows: VectorRows;
  /** FAISS position → row (HNSW: always the identity, its rows are compacted on rebuild). */
  private posToRow: number[] = [];
  private index!: FaissIndex;
  private type: IndexType = 'flat';
  /** What `manifest.json` says now. */
  private manifest: Manifest | null = null;
  /** Rows `[0, manifest.rows)` are unchanged since the manifest: its vectors file can grow. */
  private appendable = false;
  /** The manifest's HNSW file holds this index's positions `[0, manifest.hnsw.rows)`. */
  private hnswFileValid = false;
  /** Changed since the last flush. */
  private dirty = false;
  /** Changed since open: a store only read never writes, not even at close. */
  private touched = false;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly buildThreads = faissBuildThreads();

  constructor(
    private readonly faiss: FaissAddon,
    private readonly dir: string,
    readonly dimension: number,
    private readonly tuning: { threshold: number; efSearch: number; efConstruction: number },
  ) {
    this.rows = new VectorRows(dimension);
  }

  upsert(items: readonly VectorItem[]): Promise<void> {
    return this.serial(() => {
      for (const { id, vector } of items) {
        this.checkLength(vector, `vector of id ${id}`);
        if (!Number.isSafeInteger(id) || id < 0)
          throw new Error(`chunk ids are non-negative integers, not ${id}`);
      }
      if (items.length === 0) return;
      const latest = new Map(items.map(({ id, vector }) => [id, vector]));
      this.removeIds([...latest.keys()]); // an upsert of a held id is a remove and an add
      const first = this.rows.append(latest);
      this.touch();
      if (this.type === 'flat' && this.rows.live > this.tuning.threshold) this.rebuild(true);
      else this.indexRows(range(first, this.rows.length));
    });
  }

  remove(ids: readonly number[]): Promise<void> {
    return this.serial(() => this.removeIds(ids));
  }

  search(vector: Float32Array, k: number): Promise<VectorHit[]> {
    return this.serial(() => {
      this.checkLength(vector, 'query');
      const live = this.rows.live;
      if (!(k >= 1) || live === 0) return [];
      const want = Math.floor(k);
      const total = this.index.ntotal();
      this.faiss.Index.setThreads(1);
      const { distances, labels } = this.index.search(
        Array.from(vector),
        Math.min(total, want + (total - live)),
      );
      const hits: VectorHit[] = [];
      for (let i = 0; i < labels.length && hits.length < want; i++) {
        const row = this.posToRow[labels[i]!];
        const id = row === undefined ? -1 : this.rows.idAt(row);
        if (id >= 0) hits.push({ id, score: distances[i]! });
      }
      if (hits.length >= Math.min(want, live)) return hits;
      // HNSW's graph walk did not reach enough live rows (k near the store's size, or many
      // tombstones): an exact scan answers instead.
      return this.rows
        .nearest(vector, want)
        .map(({ row, score }) => ({ id: this.rows.idAt(row), score }));
    });
  }

  count(): Promise<number> {
    return this.serial(() => this.rows.live);
  }

  ids(): Promise<number[]> {
    return this.serial(() => this.rows.ids());
  }

  flush(): Promise<void> {
    return this.serial(() => this.write(false));
  }

  close(): Promise<void> {
    return this.serial(async () => {
      await this.write(true);
      this.closed = true;
      this.index = undefined as unknown as FaissIndex;
      this.rows.clear();
    });
  }

  /** Reads the folder's last flushed state (retrying when a writer replaced it meanwhile). */
  async load(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.read();
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 3) throw err;
      }
    }
  }

  private async read(): Promise<void> {
    const manifest = await readManifest(this.dir);
    if (manifest && manifest.dimension !== this.dimension) {
      throw new Error(
        `FAISS store ${this.dir} holds ${manifest.dimension}-dimensional vectors, not ` +
          `${this.dimension}-dimensional (another embedder?); delete it to rebuild`,
      );
    }
    await this.rows.load(manifest?.rows ?? 0, async (vectors, ids) => {
      if (!manifest) return;
      await readExactly(this.dir, manifest.vectors, vectors);
      await readExactly(this.dir, manifest.ids, ids);
    });
    if (manifest && this.rows.live !== manifest.count) {
      throw new Error(
        `FAISS store ${this.dir} lists ${this.rows.live} ids where its manifest counts ` +
          `${manifest.count}; delete it to rebuild`,
      );
    }
    this.manifest = manifest;
    this.appendable = manifest !== null;
    const hnsw = manifest?.hnsw ? this.readHnsw(manifest.hnsw) : null;
    if (hnsw) {
      this.type = 'hnsw';
      this.index = hnsw;
      this.posToRow = range(0, hnsw.ntotal());
      this.hnswFileValid = true;
      this.indexRows(range(hnsw.ntotal(), this.rows.length));
    } else {
      // No usable HNSW file: rebuilt in memory; the next flush of a writer stores it.
      this.rebuild(false);
    }
  }

  /** The HNSW file of the manifest, or null when it cannot serve (then rebuilt from rows). */
  private readHnsw(entry: { file: string; rows: number }): FaissIndex | null {
    try {
      const index = this.faiss.Index.read(path.join(this.dir, entry.file));
      if (index.getDimension() !== this.dimension || index.ntotal() !== entry.rows) return null;
      if (entry.rows > this.rows.length) return null;
      index.hnsw(0, this.tuning.efSearch);
      return index;
    } catch {
      return null;
    }
  }

  private async write(final: boolean): Promise<void> {
    const { rows } = this;
    if (this.dirty && rows.length - rows.live > TOMBSTONE_FRACTION * rows.length) {
      this.rebuild(true);
    }
    const old = this.manifest;
    const lag = rows.length - (old?.hnsw?.rows ?? 0);
    const writeHnsw =
      this.type === 'hnsw' &&
      this.touched &&
      (!this.hnswFileValid || !old?.hnsw || (final ? lag > 0 : lag > HNSW_FILE_LAG * rows.length));
    if (!this.dirty && !writeHnsw) return;
    const generation = (old?.generation ?? 0) + 1;
    // Rows only appended since the last manifest: write past its end, in the same file.
    const from = this.appendable && old ? old.rows : 0;
    const vectors = this.appendable && old ? old.vectors : `vectors-${generation}.f32`;
    await writeSynced(this.dir, vectors, rows.vectorBytes(from), from * this.dimension * 4);
    const ids = `ids-${generation}.f64`;
    await writeSynced(this.dir, ids, rows.idBytes());
    let hnsw: Manifest['hnsw'] = null;
    if (writeHnsw) {
      hnsw = { file: `hnsw-${generation}.faiss`, rows: this.index.ntotal() };
      this.index.write(path.join(this.dir, hnsw.file));
      await syncFile(path.join(this.dir, hnsw.file));
    } else if (this.type === 'hnsw') {
      hnsw = old?.hnsw ?? null;
    }
    const manifest: Manifest = {
      format: 'repo-runner-faiss',
      version: 1,
      kind: 'faiss',
      dimension: this.dimension,
      count: rows.live,
      rows: rows.length,
      generation,
      vectors,
      ids,
      hnsw,
    };
    await commitManifest(this.dir, manifest);
    this.manifest = manifest;
    this.appendable = true;
    this.hnswFileValid = hnsw !== null;
    this.dirty = false;
  }

  private removeIds(ids: readonly number[]): void {
    const dead = this.rows.remove(ids);
    if (dead.size === 0) return;
    this.touch();
    if (this.type === 'hnsw') return; // tombstones, filtered at search
    if (dead.size * this.index.ntotal() > REMOVE_BUDGET) {
      this.rebuild(false);
      return;
    }
    const positions: number[] = [];
    const kept: number[] = [];
    this.posToRow.forEach((row, pos) => (dead.has(row) ? positions.push(pos) : kept.push(row)));
    this.index.removeIds(positions);
    this.posToRow = kept; // FAISS shifts the later positions down, keeping their order
  }

  /**
   * A new index of the type the live count calls for, from the live rows; HNSW (whose
   * positions must equal rows) and `compact` first drop the removed rows.
   */
  private rebuild(compact: boolean): void {
    const type: IndexType = this.rows.live > this.tuning.threshold ? 'hnsw' : 'flat';
    if ((compact || type === 'hnsw') && this.rows.compact()) this.appendable = false;
    this.type = type;
    if (type === 'flat') {
      this.index = new this.faiss.IndexFlatIP(this.dimension);
    } else {
      const description = `HNSW${FAISS_HNSW_M},Flat`;
      this.index = this.faiss.Index.fromFactory(this.dimension, description, METRIC_INNER_PRODUCT);
      this.index.hnsw(this.tuning.efConstruction, this.tuning.efSearch);
    }
    this.posToRow = [];
    this.hnswFileValid = false;
    this.indexRows(this.rows.liveRows());
  }

  /** Adds rows to the index in order, in batches of {@link ADD_BATCH}. */
  private indexRows(rows: readonly number[]): void {
    if (rows.length === 0) return;
    this.faiss.Index.setThreads(this.buildThreads);
    try {
      for (let start = 0; start < rows.length; start += ADD_BATCH) {
        const batch = rows.slice(start, start + ADD_BATCH);
        this.index.add(this.rows.flatten(batch));
        this.posToRow.push(...batch);
      }
    } finally {
      this.faiss.Index.setThreads(1);
    }
  }

  private touch(): void {
    this.dirty = true;
    this.touched = true;
  }

  private checkLength(vector: Float32Array, what: string): void {
    if (vector.length !== this.dimension) {
      throw new Error(
        `this FAISS store holds ${this.dimension}-dimensional vectors; the ${what} has ${vector.length}`,
      );
    }
  }

  /** Runs `fn` after every earlier call has settled. */
  private serial<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new Error(`FAISS store ${this.dir} is closed`);
      return fn();
    });
    this.queue = run.catch(() => {});
    return run;
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
