import type { Embedder } from './types.js';

/** Weight of one whole word or identifier part; trigrams share {@link TRIGRAM_WEIGHT} per word. */
const WORD_WEIGHT = 1;
/**
 * Total weight of a word's character trigrams (spread over them), so `parse` and `parser`
 * come near without trigrams outvoting whole words. Chosen by hand, not tuned.
 */
const TRIGRAM_WEIGHT = 0.5;

/** 32-bit FNV-1a over UTF-16 code units, with a seed folded into the offset basis. */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Splits text into lowercase words, identifiers into their parts: `getUserName` →
 * `get user name getusername`, `HTTPServer2` → `http server 2 httpserver2`, `snake_case` →
 * `snake case snake_case`. A split identifier also keeps its whole lowercase form, so an
 * exact identifier still matches best.
 */
export function lexicalTokens(text: string): string[] {
  const out: string[] = [];
  for (const word of text.match(/[\p{L}\p{N}_]+/gu) ?? []) {
    const parts = word
      .split('_')
      .flatMap((p) => p.match(/\p{Lu}+(?!\p{Ll})|\p{Lu}?\p{Ll}+|\p{N}+|[\p{L}\p{N}]+/gu) ?? [])
      .map((p) => p.toLowerCase());
    out.push(...parts);
    if (parts.length > 1) out.push(word.toLowerCase());
  }
  return out;
}

function add(vector: Float32Array, feature: string, weight: number): void {
  const h = fnv1a(feature, 0);
  // A second hash decides the sign, so colliding features cancel on average instead of piling up.
  const sign = fnv1a(feature, 0x9e3779b9) & 1 ? 1 : -1;
  vector[h % vector.length]! += sign * weight;
}

/**
 * The last fallback embedder, when neither the local model nor an endpoint can run: a bag of
 * words hashed into `dimension` buckets (feature hashing with a sign hash, FNV-1a) plus,
 * lightly, each word's character trigrams, L2-normalised. It needs no model and is
 * deterministic, but only matches shared words and word pieces — never meaning — so it is
 * `lexical: true` and reports must say so. Words are {@link lexicalTokens}: identifiers split
 * on camelCase, snake_case and digits, lowercased. A text without words (empty,
 * punctuation only) gets the zero vector, the only vector here that is not unit length.
 *
 * @example
 * const embedder = createHashingEmbedder();
 * const [a, b] = await embedder.embed(['getUserName', 'user name']); // cosine ≈ 0.6
 */
export function createHashingEmbedder(dimension = 384): Embedder {
  if (!Number.isInteger(dimension) || dimension < 1) {
    throw new Error(`hashing embedder: dimension must be a positive integer, got ${dimension}`);
  }
  const embedOne = (text: string): Float32Array => {
    const v = new Float32Array(dimension);
    for (const word of lexicalTokens(text)) {
      add(v, `w:${word}`, WORD_WEIGHT);
      const padded = `^${word}$`;
      const grams = padded.length - 2;
      for (let i = 0; i < grams; i++) add(v, `t:${padded.slice(i, i + 3)}`, TRIGRAM_WEIGHT / grams);
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < dimension; i++) v[i]! *= scale;
    }
    return v;
  };
  return {
    id: 'hashing:v1',
    dimension,
    lexical: true,
    embed: async (texts) => texts.map(embedOne),
  };
}
