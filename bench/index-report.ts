/**
 * What `npm run bench:index` found, as data (the JSON line) and as a table beside the
 * goals of issue #13. Sections left out with `--only` are absent.
 */
import type { VectorStoreResult } from './index-vectors.js';

/** Goals of issue #13. */
export const GOALS = { warmShare: 0.05, textP95Ms: 20, vectorP95Ms: 30, recall: 0.95 };

/** 1 and 2: text-only builds of the generated repository. */
export interface BuildNumbers {
  sourceFiles: number;
  leftOutFiles: number;
  sourceMB: number;
  indexedFiles: number;
  chunks: number;
  coldMs: number;
  filesPerS: number;
  chunksPerS: number;
  warmMs: number;
  /** Warm wall time over cold wall time. */
  warmShare: number;
  editedFiles: number;
  editedMs: number;
  editedShare: number;
  touchedMs: number;
  touchedShare: number;
}

/** One embedder's build over the sample. */
export interface EmbedderNumbers {
  embedder: string;
  embedded: number;
  /** Chunks of the sample; null when the build was stopped at the time budget. */
  sampleChunks: number | null;
  loadMs: number;
  buildWallMs: number;
  /** Time inside `embed` calls. */
  embedMs: number;
  embeddingsPerS: number;
  buildChunksPerS: number;
}

export interface EmbedNumbers {
  sampleFiles: number;
  minilm: EmbedderNumbers;
  hashing: EmbedderNumbers;
  /** The repository's chunks at MiniLM's measured rate, minutes. */
  minilmWholeRepoMinutes: number;
}

export interface TextNumbers {
  chunks: number;
  insertMs: number;
  p50Ms: number;
  p95Ms: number;
  /** `IndexDb.textSearch` on an open database (`searchIndex` opens it per query). */
  ftsOnlyP50Ms: number;
  ftsOnlyP95Ms: number;
  meanHits: number;
  kinds: Record<string, { p50Ms: number; p95Ms: number }>;
  examples: string[];
  diskMB: number;
}

export interface BenchResult {
  at: string;
  machine: {
    cpus: number;
    memGB: number;
    node: string;
    /** 1, 5 and 15 minute load averages: other work on the machine skews every number. */
    loadAverage: { start: number[]; end: number[] };
  };
  sizes: Record<string, number | boolean | string>;
  build?: BuildNumbers;
  embeddings?: EmbedNumbers;
  text?: TextNumbers;
  vectors?: {
    /** What the vectors are: `minilm-like` (drawn like real embeddings) or `random`. */
    kind: string;
    /** One exact top-10 search over the vectors in JS, ms. */
    exactSearchMsInJs: number;
    faiss?: VectorStoreResult;
    chroma?: VectorStoreResult;
  };
  totalS: number;
}

type Row = [string, string, string, string];
const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
const verdict = (met: boolean): string => (met ? 'met' : 'NOT met');

function buildRows(b: BuildNumbers, e: EmbedNumbers | undefined, rows: Row[]): void {
  rows.push(
    [
      `text build, cold, ${b.indexedFiles} files`,
      `${(b.coldMs / 1000).toFixed(1)} s (${b.leftOutFiles} more files left out)`,
      '',
      '',
    ],
    [
      '  throughput',
      `${b.filesPerS} files/s, ${b.chunksPerS} chunks/s (${b.chunks} chunks)`,
      '',
      '',
    ],
    [
      're-index, unchanged',
      `${b.warmMs} ms = ${pct(b.warmShare)} of cold`,
      '≤ 5 %',
      verdict(b.warmShare <= GOALS.warmShare),
    ],
    [
      `re-index, ${b.editedFiles} files (1 %) edited`,
      `${b.editedMs} ms = ${pct(b.editedShare)} of cold`,
      '',
      '',
    ],
    [
      `re-index, ${b.editedFiles} files (1 %) touched`,
      `${b.touchedMs} ms = ${pct(b.touchedShare)} of cold`,
      '',
      '',
    ],
  );
  if (!e) return;
  for (const [name, x] of [
    ['all-MiniLM-L6-v2', e.minilm],
    ['hashing', e.hashing],
  ] as const) {
    const stopped = x.sampleChunks === null ? ', stopped at the time budget' : '';
    rows.push([
      `embeddings, ${name} (a SAMPLE: ${x.embedded} chunks${stopped})`,
      `${x.embeddingsPerS} embeddings/s; build with it ${x.buildChunksPerS} chunks/s`,
      '',
      '',
    ]);
  }
  rows.push([
    "  MiniLM over all the repo's chunks (estimate)",
    `${e.minilmWholeRepoMinutes} min`,
    '',
    '',
  ]);
}

function textRows(t: TextNumbers, rows: Row[]): void {
  rows.push(
    [
      `text search p50 / p95, ${t.chunks} chunks`,
      `${t.p50Ms} / ${t.p95Ms} ms`,
      'p95 ≤ 20 ms',
      verdict(t.p95Ms <= GOALS.textP95Ms),
    ],
    ['  FTS5 query alone p50 / p95', `${t.ftsOnlyP50Ms} / ${t.ftsOnlyP95Ms} ms`, '', ''],
  );
  for (const [kind, k] of Object.entries(t.kinds))
    rows.push([`  ${kind} queries p50 / p95`, `${k.p50Ms} / ${k.p95Ms} ms`, '', '']);
}

function vectorRows(v: VectorStoreResult, kind: string, rows: Row[]): void {
  if (v.error) {
    rows.push([
      `${v.store}, ${v.vectors} vectors`,
      `not measured: ${v.error.split('\n')[0]}`,
      '',
      '',
    ]);
    return;
  }
  rows.push(
    [
      `${v.store} search p50 / p95, ${v.vectors} ${kind} vectors`,
      `${v.p50Ms} / ${v.p95Ms} ms`,
      'p95 ≤ 30 ms',
      verdict(v.p95Ms <= GOALS.vectorP95Ms),
    ],
    [
      `${v.store} recall@10 vs brute force, ${kind} vectors`,
      String(v.recallAt10),
      '≥ 0.95',
      verdict(v.recallAt10 >= GOALS.recall),
    ],
    [
      `${v.store} insert`,
      `${(v.insertMs / 1000).toFixed(1)} s (${v.insertsPerS} vectors/s)`,
      '',
      '',
    ],
  );
}

/** Prints the result as a table: what, value, goal, met. */
export function printTable(r: BenchResult): void {
  const rows: Row[] = [];
  if (r.build) buildRows(r.build, r.embeddings, rows);
  if (r.text) textRows(r.text, rows);
  const { faiss: f, chroma: c } = r.vectors ?? {};
  if (f) vectorRows(f, r.vectors?.kind ?? '', rows);
  if (c) vectorRows(c, r.vectors?.kind ?? '', rows);
  if (f && !f.error) {
    const memory = `RSS +${f.rssDeltaMB} MB (heap +${f.heapDeltaMB}, external +${f.externalDeltaMB})`;
    rows.push([`memory: faiss, ${f.vectors} vectors`, `${memory}; files ${f.diskMB} MB`, '', '']);
  }
  if (r.text) {
    const t = r.text;
    const fill = `filled in ${(t.insertMs / 1000).toFixed(1)} s`;
    rows.push([`disk: index.db, ${t.chunks} chunks`, `${t.diskMB} MB (${fill})`, '', '']);
  }
  if (c && !c.error) {
    const value = `${c.diskMB} MB (server RSS ${c.serverRssMB} MB)`;
    rows.push([`disk: chroma data dir, ${c.vectors} vectors`, value, '', '']);
  }
  rows.push(['whole bench', `${r.totalS} s`, '', '']);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((x) => x[i]!.length)));
  for (const x of rows)
    console.log(
      x
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}
