import path from 'node:path';
import { existsSync } from 'node:fs';
import { IndexDb, queryTerms, type IndexMeta } from './index-db.js';
import type { VectorSide } from './indexer.js';

/** How a query is answered: BM25 only, vectors only, or both fused. */
export type SearchMode = 'text' | 'vector' | 'hybrid';

/** One search result. */
export interface SearchHit {
  path: string;
  startLine: number;
  endLine: number;
  language: string;
  /** Higher is better; its scale depends on the mode (BM25, cosine, or fused rank). */
  score: number;
  /** A few lines of the chunk, those with query words first. */
  snippet: string;
  /** The chunk's whole text (for a fixer's or a model's context). */
  content: string;
}

/** No index has been built in that folder. */
export class NoIndexError extends Error {
  constructor(readonly dir: string) {
    super(
      `no index has been built here yet (${dir}); build one with \`repo-runner index <path|run-id>\``,
    );
    this.name = 'NoIndexError';
  }
}

/**
 * Reciprocal rank fusion constant (Cormack, Clarke and Büttcher, SIGIR 2009, "Reciprocal
 * Rank Fusion outperforms Condorcet and individual rank learning methods": k = 60).
 */
export const RRF_K = 60;

/**
 * Fuses ranked id lists: each id scores Σ 1/(k + rank) over the lists it appears in
 * (rank from 1), best first.
 */
export function reciprocalRankFusion(
  lists: readonly (readonly number[])[],
  k = RRF_K,
): { id: number; score: number }[] {
  const scores = new Map<number, number>();
  for (const list of lists)
    list.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + i + 1)));
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score);
}

/** Candidates each side contributes to a hybrid answer, per result asked. */
const HYBRID_DEPTH = 4;
/** Lines a snippet shows. */
const SNIPPET_LINES = 4;

function snippetOf(content: string, query: string): string {
  const lines = content.split('\n');
  const words = queryTerms(query).any;
  const first = lines.findIndex((l) => words.some((w) => l.toLowerCase().includes(w)));
  const from = Math.max(0, first);
  return lines
    .slice(from, from + SNIPPET_LINES)
    .map((l) => (l.length > 200 ? `${l.slice(0, 200)}…` : l))
    .join('\n');
}

/** What {@link searchIndex} needs. */
export interface SearchOptions {
  /** The index folder. */
  dir: string;
  query: string;
  /** Results wanted (1–100). */
  limit: number;
  /** Default: hybrid when `vector` is given, else text. */
  mode?: SearchMode;
  /** The embedder and store the index was built with (needed for vector and hybrid). */
  vector?: VectorSide | null;
}

/**
 * Searches a built index. `text`: BM25 over the FTS5 table; `vector`: the query's embedding
 * against the vector store; `hybrid`: both, fused by {@link reciprocalRankFusion}. Hits whose
 * chunk the index no longer has (a stale vector) are dropped.
 *
 * @throws NoIndexError when `dir` holds no index.
 * @throws Error when a vector mode is asked without a vector side.
 */
export async function searchIndex(
  options: SearchOptions,
): Promise<{ hits: SearchHit[]; meta: IndexMeta; mode: SearchMode }> {
  const file = path.join(options.dir, 'index.db');
  if (!existsSync(file)) throw new NoIndexError(options.dir);
  const limit = Math.max(1, Math.min(100, Math.floor(options.limit)));
  // The hashing embedder only matches words, worse than BM25 (bench/search-quality-results.md):
  // hybrid is the default for a real model only.
  const mode: SearchMode =
    options.mode ?? (options.vector && !options.vector.embedder.lexical ? 'hybrid' : 'text');
  if (mode !== 'text' && !options.vector) {
    throw new Error(
      `${mode} search needs a vector backend; this index has text search only (use mode text)`,
    );
  }
  const db = IndexDb.open(file);
  try {
    const depth = mode === 'hybrid' ? limit * HYBRID_DEPTH : limit;
    const text = mode === 'vector' ? [] : db.textSearch(options.query, depth);
    let vectorHits: { id: number; score: number }[] = [];
    if (mode !== 'text' && options.vector) {
      const [q] = await options.vector.embedder.embed([options.query]);
      vectorHits = await options.vector.store.search(q!, depth);
    }
    const ranked =
      mode === 'text'
        ? text
        : mode === 'vector'
          ? vectorHits
          : reciprocalRankFusion([text.map((h) => h.id), vectorHits.map((h) => h.id)]);
    const chunks = db.chunks(ranked.map((h) => h.id));
    const byId = new Map(chunks.map((c) => [c.id, c]));
    const hits: SearchHit[] = [];
    for (const r of ranked) {
      const c = byId.get(r.id);
      if (!c) continue;
      hits.push({
        path: c.path,
        startLine: c.startLine,
        endLine: c.endLine,
        language: c.language,
        score: r.score,
        snippet: snippetOf(c.content, options.query),
        content: c.content,
      });
      if (hits.length >= limit) break;
    }
    return { hits, meta: db.meta(), mode };
  } finally {
    db.close();
  }
}
