/**
 * The context index's seams (ARCHITECTURE.md §6 `index/`): a repository is walked into
 * {@link Chunk}s, kept in the index database with their text (SQLite FTS5 answers text
 * search), and, where a vector backend is available, embedded by an {@link Embedder} into a
 * {@link VectorStore} (FAISS, Chroma). Every vector store passes one conformance suite
 * (`vector-store.test-kit.ts`).
 */

/** A piece of a source file: what search returns and what embeddings are made of. */
export interface Chunk {
  /** Path inside the repository, `/`-separated, no leading `./`. */
  path: string;
  /** First line, 1-based. */
  startLine: number;
  /** Last line, 1-based, inclusive. */
  endLine: number;
  /** Language name (`typescript`, `python`, `markdown`, `text`…). */
  language: string;
  /** The chunk's text. */
  content: string;
}

/** A chunk as the index stores it: its numeric id is what vector stores hold. */
export interface StoredChunk extends Chunk {
  id: number;
}

/**
 * Turns texts into vectors. Vectors are L2-normalised, so inner product is cosine
 * similarity.
 */
export interface Embedder {
  /** Recorded with the index; a different id rebuilds the vectors (e.g. `local:all-MiniLM-L6-v2`). */
  readonly id: string;
  /** Length of every vector. */
  readonly dimension: number;
  /** True for the hashing embedder: its "vectors" only match words, and reports say so. */
  readonly lexical: boolean;
  /**
   * One vector per text, in order.
   * @throws Error when the model cannot run (its files missing, the endpoint down).
   */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Frees the model (optional). */
  close?(): Promise<void>;
}

/** A vector and the chunk id it belongs to. */
export interface VectorItem {
  id: number;
  vector: Float32Array;
}

/** A vector store's answer: a chunk id and its cosine similarity to the query (higher is nearer). */
export interface VectorHit {
  id: number;
  score: number;
}

/** Kinds of vector store. */
export type VectorStoreKind = 'faiss' | 'chroma';

/**
 * Where vectors live and are searched. Implementations: FAISS (a file beside the run's
 * data), Chroma (a server). Ids are chunk ids (non-negative integers below 2^53).
 */
export interface VectorStore {
  readonly kind: VectorStoreKind;
  /** Length every vector must have. */
  readonly dimension: number;
  /**
   * Adds vectors; an id already present has its vector replaced.
   * @throws Error naming the expected dimension when a vector's length differs.
   */
  upsert(items: readonly VectorItem[]): Promise<void>;
  /** Removes ids; unknown ids are ignored. */
  remove(ids: readonly number[]): Promise<void>;
  /**
   * The `k` nearest ids to `vector`, nearest first; fewer when the store holds fewer.
   * @throws Error naming the expected dimension when the query's length differs.
   */
  search(vector: Float32Array, k: number): Promise<VectorHit[]>;
  /** How many vectors the store holds. */
  count(): Promise<number>;
  /** Every id the store holds (the indexer reconciles against the index database with it). */
  ids(): Promise<number[]>;
  /** Makes what was written durable (a file store writes its file atomically). */
  flush(): Promise<void>;
  /** Flushes and releases the store. */
  close(): Promise<void>;
}

/**
 * A backend that could not be used, and why: the indexer falls back to the next one and the
 * report shows `reason` and `hint`.
 */
export class BackendUnavailableError extends Error {
  constructor(
    /** Which backend (`faiss`, `chroma`, `local embedder`…). */
    readonly backend: string,
    /** What is wrong, in a sentence. */
    readonly reason: string,
    /** What the user can do about it. */
    readonly hint: string,
  ) {
    super(`${backend} is unavailable: ${reason} (${hint})`);
    this.name = 'BackendUnavailableError';
  }
}
