import { ChromaClient, ChromaConnectionError, type Collection } from 'chromadb';
import { parseChromaUrl } from './chroma-server.js';
import {
  BackendUnavailableError,
  type VectorHit,
  type VectorItem,
  type VectorStore,
} from './types.js';

/**
 * The HNSW settings a collection is created with (Chroma applies them at creation only:
 * raising `ef_search` on a full collection changed nothing, bench/index-results.md).
 * Chroma's defaults (16 neighbours, ef_construction 100, ef_search 10) found 0.12 of the true
 * top 10 among 100,000 random 384-d vectors; ef_search 128 alone found 0.923 among 100,000
 * MiniLM-like ones; with 32 neighbours (FAISS's usual HNSW32) and ef_construction 200 as
 * well, 0.980 at p95 8.3 ms, inserts about half as fast (731 vectors/s at load 2.5; the
 * embedding, 13 chunks/s, stays the bottleneck). bench/index-results.md, 2026-12-04.
 */
export const CHROMA_HNSW = Object.freeze({
  max_neighbors: 32,
  ef_construction: 200,
  ef_search: 128,
});

/** Collection metadata key holding the vector length the collection was made for. */
export const CHROMA_DIMENSION_KEY = 'repo_runner:dimension';

/**
 * Default time one request may take before the server counts as unavailable: 60 000 ms (an
 * upsert of 5461 vectors of 384 numbers, the largest batch, takes about 1.5 s here).
 */
export const CHROMA_REQUEST_TIMEOUT_MS = 60_000;

/** Chroma's collection names: 3–512 of `[a-zA-Z0-9._-]`, starting and ending alphanumeric. */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]$/;

/** Options of {@link openChromaStore}. */
export interface ChromaStoreOptions {
  /** The server, `http(s)://host:port` (see `startChromaServer`, `chromaUrlFromEnv`). */
  url: string;
  /** Collection name (created when missing), e.g. `rr_<index>`; 3–512 of `[a-zA-Z0-9._-]`. */
  collection: string;
  /** Length every vector must have; recorded in the collection's metadata. */
  dimension: number;
  /** Per request, in ms; default {@link CHROMA_REQUEST_TIMEOUT_MS}. */
  requestTimeoutMs?: number;
}

/** What a connection failure becomes: the indexer's signal to fall back. */
function unavailable(url: string, what: string): BackendUnavailableError {
  return new BackendUnavailableError(
    'chroma',
    `the server at ${url} ${what}`,
    'start it again (or unset REPO_RUNNER_CHROMA_URL to let Repo Runner start its own)',
  );
}

/**
 * A {@link VectorStore} in one collection of a Chroma server (chromadb client 3.5, server
 * 1.x), cosine space, HNSW settings {@link CHROMA_HNSW}: a hit's score is `1 - distance`, the cosine
 * similarity. Ids are the chunk ids as decimal strings; no documents, embeddings only
 * (`embeddingFunction: null`). Writes go in batches of the server's `max_batch_size`
 * (`GET /api/v2/pre-flight-checks`, 5461 on Chroma 1.0). The server persists each write, so
 * `flush` does nothing; `close` drops the client, and later calls reject.
 *
 * @throws BackendUnavailableError when the server cannot be reached or a request outlasts
 * `requestTimeoutMs` (at open and on every call); Error when the collection holds another
 * dimension or distance, or was not made by Repo Runner; RepoRunnerError `BAD_INPUT` for a
 * URL that is not `http(s)://host:port`.
 * @example
 * const store = await openChromaStore({ url: server.url, collection: 'rr_myrepo', dimension: 384 });
 * await store.upsert([{ id: 7, vector }]);
 * await store.search(vector, 10); // [{ id: 7, score: 1 }]
 */
export async function openChromaStore(options: ChromaStoreOptions): Promise<VectorStore> {
  const { url, collection: name, dimension } = options;
  const { host, port, ssl, origin } = parseChromaUrl(url);
  if (!Number.isInteger(dimension) || dimension <= 0) {
    throw new Error(`a vector dimension must be a positive integer, got ${dimension}`);
  }
  if (!NAME.test(name)) {
    throw new Error(
      `${JSON.stringify(name)} is not a Chroma collection name (3–512 of a-z A-Z 0-9 . _ -, starting and ending with a letter or digit)`,
    );
  }
  const timeoutMs = options.requestTimeoutMs ?? CHROMA_REQUEST_TIMEOUT_MS;
  let client: ChromaClient | null = new ChromaClient({ host, port, ssl });

  /** Runs one client call, turning connection failures and timeouts into BackendUnavailableError. */
  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(unavailable(origin, `did not answer ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (err) {
      if (err instanceof ChromaConnectionError)
        throw unavailable(origin, `cannot be reached (${what})`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };

  const col: Collection = await call('get or create collection', () =>
    client!.getOrCreateCollection({
      name,
      embeddingFunction: null,
      metadata: { [CHROMA_DIMENSION_KEY]: dimension },
      configuration: { hnsw: { space: 'cosine', ...CHROMA_HNSW } },
    }),
  );
  const recorded = col.metadata?.[CHROMA_DIMENSION_KEY];
  const space = col.configuration?.hnsw?.space ?? col.metadata?.['hnsw:space'];
  if (recorded === undefined) {
    throw new Error(
      `Chroma collection ${name} at ${origin} was not made by Repo Runner (no ${CHROMA_DIMENSION_KEY} in its metadata): use another collection name`,
    );
  }
  if (recorded !== dimension || space !== 'cosine') {
    throw new Error(
      `Chroma collection ${name} at ${origin} holds ${String(recorded)}-dimensional vectors in ${String(space)} space, not ${dimension}-dimensional in cosine space: delete the collection or use another name`,
    );
  }

  const open = (): ChromaClient => {
    if (!client) throw new Error(`the Chroma store ${name} is closed`);
    return client;
  };
  const checkLength = (vector: Float32Array, of: string): void => {
    if (vector.length !== dimension) {
      throw new Error(
        `${of} has ${vector.length} numbers; this store holds ${dimension}-dimensional vectors`,
      );
    }
  };
  const batchSize = (): Promise<number> =>
    call('pre-flight checks', () => open().getMaxBatchSize());

  return {
    kind: 'chroma',
    dimension,

    async upsert(items: readonly VectorItem[]): Promise<void> {
      open();
      // The last vector given for an id wins, as with one upsert per item; Chroma refuses duplicate ids in a batch.
      const byId = new Map<number, Float32Array>();
      for (const { id, vector } of items) {
        checkId(id);
        checkLength(vector, `the vector of id ${id}`);
        byId.set(id, vector);
      }
      const all = [...byId];
      const size = await batchSize();
      for (let i = 0; i < all.length; i += size) {
        const batch = all.slice(i, i + size);
        await call('upsert', () =>
          col.upsert({
            ids: batch.map(([id]) => String(id)),
            embeddings: batch.map(([, v]) => Array.from(v)),
          }),
        );
      }
    },

    async remove(ids: readonly number[]): Promise<void> {
      open();
      const unique = [...new Set(ids)].map(String);
      const size = await batchSize();
      for (let i = 0; i < unique.length; i += size) {
        const batch = unique.slice(i, i + size);
        await call('delete', () => col.delete({ ids: batch }));
      }
    },

    async search(vector: Float32Array, k: number): Promise<VectorHit[]> {
      open();
      checkLength(vector, 'the query');
      if (!(k > 0)) return [];
      const result = await call('query', () =>
        col.query({
          queryEmbeddings: [Array.from(vector)],
          nResults: Math.floor(k),
          include: ['distances'],
        }),
      );
      const ids = result.ids[0] ?? [];
      const distances = result.distances[0] ?? [];
      return ids.map((id, i) => ({ id: Number(id), score: 1 - (distances[i] ?? 1) }));
    },

    count(): Promise<number> {
      open();
      return call('count', () => col.count());
    },

    async ids(): Promise<number[]> {
      open();
      const size = await batchSize();
      const out: number[] = [];
      for (let offset = 0; ; offset += size) {
        const page = await call('get', () => col.get({ include: [], limit: size, offset }));
        for (const id of page.ids) out.push(Number(id));
        if (page.ids.length < size) return out;
      }
    },

    async flush(): Promise<void> {
      open();
    },

    async close(): Promise<void> {
      client = null;
    },
  };
}

/** Chunk ids are non-negative integers below 2^53 (types.ts), so their strings round-trip. */
function checkId(id: number): void {
  if (!Number.isSafeInteger(id) || id < 0) {
    throw new Error(`a vector id must be a non-negative integer below 2^53, got ${id}`);
  }
}
