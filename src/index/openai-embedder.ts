import { BackendUnavailableError, type Embedder } from './types.js';

/**
 * Native widths of OpenAI's embedding models (OpenAI's model documentation), used when no
 * `dimension` is given.
 */
export const KNOWN_EMBEDDING_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** Options of {@link createOpenAiEmbedder}. */
export interface OpenAiEmbedderOptions {
  /** The API root, e.g. `http://127.0.0.1:8080/v1`; `/embeddings` is appended. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set; never shown in errors. */
  apiKey?: string;
  /** The `model` field of each request; the embedder's id is `openai:<model>`. */
  model: string;
  /** Vector width the endpoint returns; required unless `model` is in {@link KNOWN_EMBEDDING_DIMENSIONS}. */
  dimension?: number;
  /** Texts per request; default 64 (OpenAI accepts up to 2,048 inputs per request). */
  batchSize?: number;
  /** One request's time limit; default 60,000 ms. */
  timeoutMs?: number;
  /** Tries per request on a network error, 408, 429 or 5xx, with `backoffMs × 2^n` between; default `{ attempts: 3, backoffMs: 500 }`. */
  retry?: { attempts: number; backoffMs: number };
  /** Stops requests in flight (the run's signal). */
  signal?: AbortSignal;
  /** The fetch to use (tests); default the global one. */
  fetch?: typeof fetch;
}

/** The endpoint answered with an error status, or with a body that is not embeddings. */
export class EmbeddingRequestError extends Error {
  constructor(
    readonly url: string,
    /** HTTP status; 200 when the body was the problem. */
    readonly status: number,
    /** The first 300 characters of the body. */
    readonly bodyExcerpt: string,
    detail?: string,
  ) {
    super(`POST ${url} failed: ${detail ?? `HTTP ${status}`}: ${bodyExcerpt}`);
    this.name = 'EmbeddingRequestError';
  }
}

const retriable = (status: number) => status === 408 || status === 429 || status >= 500;
const excerpt = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

function parseVectors(body: unknown, count: number, dimension: number): Float32Array[] | string {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length !== count) return `expected ${count} embeddings`;
  const out = new Array<Float32Array>(count);
  for (const [pos, item] of data.entries()) {
    const { embedding, index } = (item ?? {}) as { embedding?: unknown; index?: unknown };
    const at = typeof index === 'number' ? index : pos;
    if (!Array.isArray(embedding) || embedding.length !== dimension) {
      return `embedding ${at} is not ${dimension} numbers`;
    }
    const v = Float32Array.from(embedding as number[]);
    let norm = 0;
    for (const x of v) norm += x * x;
    if (!Number.isFinite(norm) || norm === 0) return `embedding ${at} is zero or not finite`;
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < v.length; i++) v[i]! *= scale;
    if (at < 0 || at >= count || out[at]) return `embedding index ${at} is out of place`;
    out[at] = v;
  }
  return out;
}

/**
 * An embedder over an OpenAI-compatible `POST {baseUrl}/embeddings` (OpenAI, vLLM, llama.cpp,
 * Ollama, text-embeddings-inference): texts go in batches as `{ model, input: [...] }`,
 * vectors come back ordered by their `index` and are L2-normalised here (not every server
 * normalises). Empty texts are sent as one space, since OpenAI refuses empty input.
 *
 * @example
 * const embedder = createOpenAiEmbedder({ baseUrl: 'http://127.0.0.1:8080/v1', model: 'bge-small', dimension: 384 });
 * @throws Error at creation when `dimension` is neither given nor known for `model`.
 * The embedder's `embed` throws {@link EmbeddingRequestError} (status, body excerpt) for an
 * error status or a malformed body, and BackendUnavailableError when the endpoint cannot
 * be reached, both after the retries.
 */
export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  const known = options.dimension ?? KNOWN_EMBEDDING_DIMENSIONS[options.model];
  if (known === undefined) {
    throw new Error(`openai embedder: pass the dimension of ${options.model} (not a known model)`);
  }
  const dimension: number = known;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const batchSize = Math.max(1, options.batchSize ?? 64);
  const retry = options.retry ?? { attempts: 3, backoffMs: 500 };
  const doFetch = options.fetch ?? fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  async function request(input: string[]): Promise<Float32Array[]> {
    const body = JSON.stringify({ model: options.model, input });
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= retry.attempts;
      const signals = [AbortSignal.timeout(options.timeoutMs ?? 60_000)];
      if (options.signal) signals.push(options.signal);
      let res: Response;
      let text: string;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.any(signals),
        });
        text = await res.text();
      } catch (err) {
        if (options.signal?.aborted) throw err;
        if (last) {
          const reason = `POST ${url} failed: ${(err as Error).message}`;
          throw new BackendUnavailableError(`openai embedder`, reason, 'check the endpoint runs');
        }
        await new Promise((r) => setTimeout(r, retry.backoffMs * 2 ** (attempt - 1)));
        continue;
      }
      if (!res.ok) {
        if (last || !retriable(res.status)) {
          throw new EmbeddingRequestError(url, res.status, excerpt(text));
        }
        await new Promise((r) => setTimeout(r, retry.backoffMs * 2 ** (attempt - 1)));
        continue;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new EmbeddingRequestError(url, res.status, excerpt(text), 'the body is not JSON');
      }
      const vectors = parseVectors(parsed, input.length, dimension);
      if (typeof vectors === 'string') {
        throw new EmbeddingRequestError(url, res.status, excerpt(text), vectors);
      }
      return vectors;
    }
  }

  return {
    id: `openai:${options.model}`,
    dimension,
    lexical: false,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        const batch = texts.slice(start, start + batchSize).map((t) => (t === '' ? ' ' : t));
        out.push(...(await request(batch)));
      }
      return out;
    },
  };
}
