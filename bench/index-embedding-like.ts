/**
 * Vectors shaped like real all-MiniLM-L6-v2 embeddings of source code, for the recall part of
 * `npm run bench:index`: 100,000 real embeddings would take hours to compute here (13
 * chunks/s), so the bench embeds a sample of real chunks (this repository's own `src/` cut in
 * 20-line windows), takes their mean and covariance, and draws as many vectors as it needs
 * from that Gaussian (then L2-normalises them, as the model does). faiss-tuning.ts found HNSW
 * recall on such vectors within 0.01 of recall on the real ones; uniformly random vectors
 * (`--vectors random`) are the worst case, with no neighbourhood structure at all.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLocalEmbedder } from '../src/index/local-embedder.js';

/** The sample's statistics: `mean` (d) and the lower Cholesky factor of the covariance (d×d). */
export interface EmbeddingStats {
  dimension: number;
  /** Chunks embedded to make these statistics. */
  samples: number;
  mean: number[];
  /** Row-major lower-triangular L with L·Lᵀ = covariance + 1e-6·I. */
  cholesky: number[];
}

/** Lines per sampled window: about 150–250 word pieces, under the model's 256. */
const WINDOW_LINES = 20;

/** Text windows of the `.ts` files under `dir` (sorted walk, so the sample is the same every time). */
function sourceWindows(dir: string, max: number): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (out.length >= max) return;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.ts')) {
        const lines = readFileSync(p, 'utf8').split('\n');
        for (let i = 0; i < lines.length && out.length < max; i += WINDOW_LINES) {
          const text = lines.slice(i, i + WINDOW_LINES).join('\n');
          if (text.trim().length > 40) out.push(text);
        }
      }
    }
  };
  walk(dir);
  return out;
}

/** Lower Cholesky factor of the symmetric positive-definite `a` (d×d, row-major). */
function cholesky(a: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * d + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * d + k]! * l[j * d + k]!;
      if (i === j) {
        if (sum <= 0) throw new Error(`covariance is not positive definite at ${i}`);
        l[i * d + i] = Math.sqrt(sum);
      } else l[i * d + j] = sum / l[j * d + j]!;
    }
  }
  return l;
}

/**
 * The mean and covariance (as its Cholesky factor) of `samples` real MiniLM embeddings of
 * `sourceDir`'s windows; cached as JSON in `modelsDir` (the embedding takes a minute or two).
 *
 * @throws Error when the model cannot be had (see createLocalEmbedder) or too few windows.
 */
export async function embeddingStats(
  modelsDir: string,
  sourceDir: string,
  samples: number,
  log: (m: string) => void,
): Promise<EmbeddingStats> {
  const cache = path.join(modelsDir, `bench-minilm-code-stats-${samples}.json`);
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, 'utf8')) as EmbeddingStats;
  const texts = sourceWindows(sourceDir, samples);
  if (texts.length < 500)
    throw new Error(`only ${texts.length} windows under ${sourceDir}; need 500 or more`);
  const embedder = await createLocalEmbedder({ modelsDir });
  const t0 = performance.now();
  const vectors: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += 64) {
    vectors.push(...(await embedder.embed(texts.slice(i, i + 64))));
    log(`  embedding-like: ${vectors.length}/${texts.length} real embeddings`);
  }
  log(`  embedding-like: ${texts.length} embeddings in ${Math.round(performance.now() - t0)} ms`);
  const d = vectors[0]!.length;
  const mean = new Float64Array(d);
  for (const v of vectors) for (let i = 0; i < d; i++) mean[i]! += v[i]! / vectors.length;
  const cov = new Float64Array(d * d);
  for (const v of vectors)
    for (let i = 0; i < d; i++) {
      const di = v[i]! - mean[i]!;
      for (let j = 0; j <= i; j++)
        cov[i * d + j]! += (di * (v[j]! - mean[j]!)) / (vectors.length - 1);
    }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) cov[j * d + i] = cov[i * d + j]!;
    cov[i * d + i]! += 1e-6;
  }
  const stats: EmbeddingStats = {
    dimension: d,
    samples: vectors.length,
    mean: [...mean],
    cholesky: [...cholesky(cov, d)],
  };
  mkdirSync(modelsDir, { recursive: true });
  writeFileSync(cache, JSON.stringify(stats));
  return stats;
}

/**
 * `count` unit vectors drawn from N(mean, covariance) of `stats` and L2-normalised, from a
 * seeded generator (the same seed gives the same vectors).
 */
export function embeddingLikeVectors(
  stats: EmbeddingStats,
  count: number,
  seed: number,
): Float32Array[] {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  const d = stats.dimension;
  const l = Float64Array.from(stats.cholesky);
  const z = new Float64Array(d);
  return Array.from({ length: count }, () => {
    for (let i = 0; i < d; i += 2) {
      // Box–Muller: two standard normals from two uniforms.
      const r = Math.sqrt(-2 * Math.log(uniform()));
      const a = 2 * Math.PI * uniform();
      z[i] = r * Math.cos(a);
      if (i + 1 < d) z[i + 1] = r * Math.sin(a);
    }
    const v = new Float32Array(d);
    let norm = 0;
    for (let i = 0; i < d; i++) {
      let x = stats.mean[i]!;
      for (let k = 0; k <= i; k++) x += l[i * d + k]! * z[k]!;
      v[i] = x;
      norm += x * x;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < d; i++) v[i] = v[i]! * scale;
    return v;
  });
}
