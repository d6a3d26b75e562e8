import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendUnavailableError } from './types.js';

/**
 * The folder holding Repo Runner's package.json: this file runs from `src/index/` under tsx
 * and from `dist/index/` when built, so the root is found by walking up, not by a fixed
 * number of `..`.
 */
function packageRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (
          (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'repo-runner'
        )
          return dir;
      } catch {
        /* not ours: keep walking */
      }
    }
    if (path.dirname(dir) === dir) return path.resolve(start, '..', '..');
  }
}

/**
 * Absolute path of the FAISS addon `scripts/build-faiss.mjs` builds (`npm run build:faiss`,
 * run by `prepare`): `<package root>/build/faiss-node/faiss_node.node`.
 */
export const FAISS_ADDON_PATH = path.join(packageRoot(), 'build', 'faiss-node', 'faiss_node.node');

/** What the user can do when the addon is missing or does not load. */
export const FAISS_HINT = 'apt-get install libfaiss-dev, then npm run build:faiss';

/** FAISS's `METRIC_INNER_PRODUCT` (`faiss/MetricType.h`): higher is nearer. */
export const METRIC_INNER_PRODUCT = 0;

/**
 * One FAISS index as faiss-node 0.5.1's `faiss.cc` binds it. Vectors and queries are plain
 * arrays of numbers, `n × dimension` long, row after row; labels are positions in insertion
 * order (-1 where an approximate index found fewer than `k`).
 */
export interface FaissIndex {
  ntotal(): number;
  getDimension(): number;
  add(vectors: number[]): void;
  /** @throws Error when `k` exceeds `ntotal()`. */
  search(query: number[], k: number): { distances: number[]; labels: number[] };
  /** Removes positions; later positions shift down (flat indexes; HNSW throws). */
  removeIds(positions: number[]): number;
  /** Writes the index with FAISS's `write_index` (no fsync). */
  write(file: string): void;
  /**
   * Added by build-faiss.mjs's patch: sets HNSW's efConstruction and efSearch (0 keeps a
   * value), returns both. @throws Error when the index is not HNSW.
   */
  hnsw(efConstruction: number, efSearch: number): { efConstruction: number; efSearch: number };
}

/** The addon's exports the store uses. */
export interface FaissAddon {
  IndexFlatIP: new (dimension: number) => FaissIndex;
  Index: {
    /** `faiss::index_factory(dimension, description, metric)`, e.g. `HNSW32,Flat`. */
    fromFactory(dimension: number, description: string, metric: number): FaissIndex;
    /** `faiss::read_index(file)`. @throws Error when the file is not a FAISS index. */
    read(file: string): FaissIndex;
    /**
     * Added by build-faiss.mjs's patch: OpenMP threads of the calling thread's later FAISS
     * calls (`omp_set_num_threads`; 0 keeps the count); returns the count in force.
     */
    setThreads(threads: number): number;
  };
}

/**
 * OpenMP threads for adding to an index: `OMP_NUM_THREADS` when set, else every CPU
 * (`os.availableParallelism()`). Searches use one thread: a single query gains nothing from
 * a second, and waits for it on a busy machine (measurements in faiss-tuning.ts).
 */
export function faissBuildThreads(env: NodeJS.ProcessEnv = process.env): number {
  const given = Number.parseInt(env.OMP_NUM_THREADS ?? '', 10);
  return given > 0 ? given : availableParallelism();
}

/**
 * Loads the FAISS addon (cached by Node's require after the first load).
 *
 * @param addonPath defaults to {@link FAISS_ADDON_PATH}.
 * @throws BackendUnavailableError (`backend` `faiss`, hint {@link FAISS_HINT}) when the file
 * is missing, does not load (a missing shared library, another Node ABI), or predates the
 * HNSW patch.
 * @example
 * const faiss = loadFaissAddon();
 * const index = new faiss.IndexFlatIP(384);
 */
export function loadFaissAddon(addonPath: string = FAISS_ADDON_PATH): FaissAddon {
  if (!existsSync(addonPath))
    throw new BackendUnavailableError(
      'faiss',
      `the FAISS addon ${addonPath} is not built`,
      FAISS_HINT,
    );
  let addon: FaissAddon;
  try {
    addon = createRequire(import.meta.url)(addonPath) as FaissAddon;
  } catch (err) {
    const first = String((err as Error).message).split('\n')[0];
    throw new BackendUnavailableError(
      'faiss',
      `the FAISS addon ${addonPath} does not load: ${first}`,
      FAISS_HINT,
    );
  }
  const index = addon.Index as unknown as
    { prototype?: Record<string, unknown>; setThreads?: unknown } | undefined;
  if (
    typeof addon.IndexFlatIP !== 'function' ||
    typeof index?.prototype?.hnsw !== 'function' ||
    typeof index.setThreads !== 'function'
  ) {
    throw new BackendUnavailableError(
      'faiss',
      `the FAISS addon ${addonPath} is not the one build-faiss.mjs builds (no Index#hnsw, Index.setThreads)`,
      FAISS_HINT,
    );
  }
  return addon;
}

/**
 * Whether the FAISS backend can be used here (the addon exists and loads).
 *
 * @param addonPath defaults to {@link FAISS_ADDON_PATH}.
 */
export function faissAvailable(addonPath: string = FAISS_ADDON_PATH): boolean {
  try {
    loadFaissAddon(addonPath);
    return true;
  } catch {
    return false;
  }
}
