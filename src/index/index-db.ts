import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Chunk, StoredChunk } from './types.js';

/** A file as the index last saw it. */
export interface IndexedFile {
  path: string;
  /** sha256 of the content, hex. */
  hash: string;
  /** Bytes. */
  size: number;
  mtimeMs: number;
  language: string;
}

/** A text-search answer: the chunk id and its BM25 relevance (higher is better). */
export interface TextHit {
  id: number;
  score: number;
}

/** State kept in the index's `meta` table. */
export interface IndexMeta {
  /** `building` while a build runs or after one was killed; `ready` when the last finished. */
  status: 'building' | 'ready';
  /** The embedder whose vectors the vector store holds (null: text only). */
  embedder: string | null;
  dimension: number | null;
  /** `faiss`, `chroma`, or null for text only. */
  vectorStore: string | null;
  /** ISO time the last build finished. */
  builtAt: string | null;
  /** A walk limit that was hit, e.g. `max files (20000): 1234 files left out`. */
  truncated: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (
  path TEXT PRIMARY KEY, hash TEXT NOT NULL, size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL, language TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
  id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL, start_line INTEGER NOT NULL,
  end_line INTEGER NOT NULL, language TEXT NOT NULL, content TEXT NOT NULL,
  embedded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS chunks_path ON chunks(path);
CREATE INDEX IF NOT EXISTS chunks_pending ON chunks(embedded) WHERE embedded = 0;
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
  path, body, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2'
);
`;

/**
 * The schema's version (`PRAGMA user_version`); an index of another version is emptied and
 * rebuilt by the next build. 2: the Porter stemmer ("passwords" finds `password`; +0.08 text
 * MRR@10 on bench/search-queries.tsv).
 */
export const SCHEMA_VERSION = 2;

/** camelCase / PascalCase identifiers (two or more humps). */
const CAMEL = /\b[A-Za-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+\b/g;

/**
 * Extra words that make identifiers findable by their parts: `getUserName` also yields
 * `get user name` (FTS5's unicode61 tokenizer already splits `SECRET_KEY` at the underscore,
 * but not camel humps).
 */
export function identifierParts(text: string): string {
  const parts: string[] = [];
  for (const m of text.matchAll(CAMEL)) {
    const split = m[0]
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
    if (split !== m[0]) parts.push(split);
  }
  return parts.join(' ');
}

/**
 * English function words left out of text queries: in a question ("how are passwords
 * hashed") they match READMEs and licences, not code (README or LICENSE was the top hit for
 * 11 of the 50 queries of bench/search-queries.tsv with them). Words that are also code
 * (`get`, `set`, `new`, `if`, `for`, `not`, `all`…) are kept.
 */
const STOP_WORDS = new Set(
  (
    'a an the and or of to in on at by is are was were be been being it its this that these ' +
    'those there which what where when who whom why how do does did done i me my we our you ' +
    'your he she they them their has have had can could should would will shall may might ' +
    'must from into about than then so such very just also any some much many more most'
  ).split(' '),
);

/** The most query terms text search uses (BM25 cost grows with each OR'ed term). */
const MAX_QUERY_TERMS = 32;

/**
 * The terms of a free-text query, lower-cased, English function words left out (unless
 * the query has nothing else). `all`: what a chunk must hold to answer every word: a
 * camelCase identifier counts as its parts (`getUserName` → get, user, name; the indexed text
 * has them too). `any`: the words as written and the parts, for the OR fallback.
 */
export function queryTerms(query: string): { all: string[]; any: string[] } {
  const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const content = (list: string[]) => {
    const kept = list.filter((w) => !STOP_WORDS.has(w));
    return [...new Set(kept.length > 0 ? kept : list)].slice(0, MAX_QUERY_TERMS);
  };
  const split = query.replace(CAMEL, (m) => identifierParts(m) || m);
  return {
    all: content(words(split)),
    any: content([...words(query), ...words(identifierParts(query))]),
  };
}

/**
 * An FTS5 MATCH expression over `terms`, each quoted (so no FTS5 syntax in a query can
 * fail), joined by `OR` (default) or `AND`. Null when there is no term.
 */
export function ftsMatch(terms: readonly string[], join: 'OR' | 'AND' = 'OR'): string | null {
  return terms.length === 0 ? null : terms.map((w) => `"${w}"`).join(` ${join} `);
}

/** `ftsMatch` of a free-text query: its `any` terms OR'ed, or its `all` terms AND'ed. */
export function ftsQuery(query: string, join: 'OR' | 'AND' = 'OR'): string | null {
  const terms = queryTerms(query);
  return ftsMatch(join === 'OR' ? terms.any : terms.all, join);
}

/**
 * A term in more chunks than this share of the index (at least {@link COMMON_MIN_DOCS}) is
 * "common": the OR fallback leaves it out when rarer terms are there, because BM25 scores and
 * sorts every match (FTS5 has no top-k pruning): at 100,000 chunks an OR with `get` or `user`
 * matched ~80,000 chunks and took 43 ms median, 70 ms p95 (bench/index-results.md).
 */
const COMMON_SHARE = 0.02;
const COMMON_MIN_DOCS = 500;

/**
 * The index database (`index.db` in the index folder): files with their content hashes,
 * chunks with their text, an FTS5 table over them (contentless, rowid = chunk id) and a
 * `meta` table. A file's chunks are replaced in one transaction, so a kill leaves every file
 * either fully old or fully new. Chunk ids are never reused (AUTOINCREMENT), so a vector left
 * behind in a vector store can never point at another chunk.
 */
export class IndexDb {
  private readonly db: BetterSqlite3.Database;

  private constructor(db: BetterSqlite3.Database) {
    this.db = db;
  }

  /**
   * Opens (creating) the index database at `file` (`:memory:` for tests).
   * @throws Error when the file cannot be opened (permissions, a corrupt file).
   */
  static open(file: string): IndexDb {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    if (db.pragma('user_version', { simple: true }) !== SCHEMA_VERSION) {
      db.transaction(() => {
        for (const table of ['chunks_fts', 'chunks', 'files', 'meta'])
          db.exec(`DROP TABLE IF EXISTS ${table}`);
        db.exec(SCHEMA);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
    }
    db.exec(SCHEMA);
    return new IndexDb(db);
  }

  /** Every indexed file by path. */
  files(): Map<string, IndexedFile> {
    const rows = this.db
      .prepare('SELECT path, hash, size, mtime_ms AS mtimeMs, language FROM files')
      .all() as IndexedFile[];
    return new Map(rows.map((r) => [r.path, r]));
  }

  /**
   * Replaces `file`'s chunks with `chunks` (all of one file) in one transaction.
   * @returns the ids of the chunks removed and the chunks stored.
   */
  replaceFile(
    file: IndexedFile,
    chunks: readonly Chunk[],
  ): { removed: number[]; added: StoredChunk[] } {
    const tx = this.db.transaction(() => {
      const removed = this.deleteChunks(file.path);
      this.db
        .prepare(
          `INSERT INTO files (path, hash, size, mtime_ms, language) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(path) DO UPDATE SET hash = excluded.hash, size = excluded.size,
             mtime_ms = excluded.mtime_ms, language = excluded.language`,
        )
        .run(file.path, file.hash, file.size, file.mtimeMs, file.language);
      const insert = this.db.prepare(
        'INSERT INTO chunks (path, start_line, end_line, language, content) VALUES (?, ?, ?, ?, ?)',
      );
      const fts = this.db.prepare('INSERT INTO chunks_fts (rowid, path, body) VALUES (?, ?, ?)');
      const added: StoredChunk[] = [];
      for (const c of chunks) {
        const id = Number(
          insert.run(c.path, c.startLine, c.endLine, c.language, c.content).lastInsertRowid,
        );
        fts.run(id, c.path.replace(/[/._-]/g, ' '), `${c.content}\n${identifierParts(c.content)}`);
        added.push({ ...c, id });
      }
      return { removed, added };
    });
    return tx();
  }

  /** Updates only the stat fields of a file whose content hash did not change. */
  touchFile(file: IndexedFile): void {
    this.db
      .prepare('UPDATE files SET size = ?, mtime_ms = ? WHERE path = ?')
      .run(file.size, file.mtimeMs, file.path);
  }

  /** Removes a file and its chunks; returns the removed chunk ids. */
  removeFile(filePath: string): number[] {
    return this.db.transaction(() => {
      const removed = this.deleteChunks(filePath);
      this.db.prepare('DELETE FROM files WHERE path = ?').run(filePath);
      return removed;
    })();
  }

  private deleteChunks(filePath: string): number[] {
    const ids = (
      this.db.prepare('SELECT id FROM chunks WHERE path = ?').all(filePath) as { id: number }[]
    ).map((r) => r.id);
    const fts = this.db.prepare('DELETE FROM chunks_fts WHERE rowid = ?');
    for (const id of ids) fts.run(id);
    this.db.prepare('DELETE FROM chunks WHERE path = ?').run(filePath);
    return ids;
  }

  /**
   * Text search: BM25 over chunk text and path (path matches weigh 2×), best first. Chunks
   * holding every word of the query come first (an identifier counts as its parts); when
   * they are fewer than `limit`, chunks holding any word follow, common words left out of
   * that OR when rarer ones are there ({@link COMMON_SHARE}). So `compute_1234` ranks the
   * chunk with both words above the many with `compute` alone, and a query stays fast on a
   * big index. A query with no word returns [].
   */
  textSearch(query: string, limit: number): TextHit[] {
    const terms = queryTerms(query);
    if (terms.any.length === 0) return [];
    const stmt = this.db.prepare(
      'SELECT rowid AS id, bm25(chunks_fts, 2.0, 1.0) AS rank FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?',
    );
    const run = (match: string | null): TextHit[] =>
      match === null
        ? []
        : (stmt.all(match, limit) as { id: number; rank: number }[]).map((r) => ({
            id: r.id,
            score: -r.rank,
          }));
    const first = run(ftsMatch(terms.all, 'AND'));
    if (first.length >= limit) return first;
    const rare = this.rareTerms(terms.any);
    // Every word common and some chunks hold them all: those are the answer.
    if (rare.length === 0 && first.length > 0) return first;
    const seen = new Set(first.map((h) => h.id));
    const rest = run(ftsMatch(rare.length > 0 ? rare : terms.any)).filter((h) => !seen.has(h.id));
    return [...first, ...rest].slice(0, limit);
  }

  /** The terms in fewer chunks than the common threshold (counted up to it, so cheaply). */
  private rareTerms(terms: readonly string[]): string[] {
    if (terms.length === 1) return [...terms];
    const seq = this.db
      .prepare("SELECT seq FROM sqlite_sequence WHERE name = 'chunks'")
      .pluck()
      .get() as number | undefined;
    const cap = Math.max(COMMON_MIN_DOCS, Math.ceil((seq ?? 0) * COMMON_SHARE));
    const count = this.db
      .prepare(
        'SELECT COUNT(*) FROM (SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)',
      )
      .pluck();
    return terms.filter((t) => (count.get(`"${t}"`, cap) as number) < cap);
  }

  /** The chunks with these ids (unknown ids are left out), in the order asked. */
  chunks(ids: readonly number[]): StoredChunk[] {
    if (ids.length === 0) return [];
    const stmt = this.db.prepare(
      'SELECT id, path, start_line AS startLine, end_line AS endLine, language, content FROM chunks WHERE id = ?',
    );
    return ids
      .map((id) => stmt.get(id) as StoredChunk | undefined)
      .filter((c): c is StoredChunk => !!c);
  }

  /** Up to `limit` chunks not yet in the vector store with an id above `afterId`, lowest id first. */
  pendingEmbeddings(limit: number, afterId = 0): StoredChunk[] {
    return this.db
      .prepare(
        'SELECT id, path, start_line AS startLine, end_line AS endLine, language, content FROM chunks WHERE embedded = 0 AND id > ? ORDER BY id LIMIT ?',
      )
      .all(afterId, limit) as StoredChunk[];
  }

  /** Marks chunks as held by the vector store (call after the store flushed them). */
  markEmbedded(ids: readonly number[]): void {
    const stmt = this.db.prepare('UPDATE chunks SET embedded = 1 WHERE id = ?');
    this.db.transaction(() => ids.forEach((id) => stmt.run(id)))();
  }

  /** Marks every chunk as not embedded (the embedder or vector store changed). */
  resetEmbedded(): void {
    this.db.prepare('UPDATE chunks SET embedded = 0').run();
  }

  /** Every chunk id (to reconcile a vector store against). */
  chunkIds(): Set<number> {
    return new Set(
      (this.db.prepare('SELECT id FROM chunks').all() as { id: number }[]).map((r) => r.id),
    );
  }

  /** Counts of files, chunks, and chunks not yet embedded. */
  counts(): { files: number; chunks: number; pending: number } {
    const get = (sql: string): number => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      files: get('SELECT count(*) AS n FROM files'),
      chunks: get('SELECT count(*) AS n FROM chunks'),
      pending: get('SELECT count(*) AS n FROM chunks WHERE embedded = 0'),
    };
  }

  /** The index's meta state (defaults for a new index: building, text only). */
  meta(): IndexMeta {
    const rows = this.db.prepare('SELECT key, value FROM meta').all() as {
      key: string;
      value: string | null;
    }[];
    const m = new Map(rows.map((r) => [r.key, r.value]));
    return {
      status: m.get('status') === 'ready' ? 'ready' : 'building',
      embedder: m.get('embedder') ?? null,
      dimension: m.get('dimension') ? Number(m.get('dimension')) : null,
      vectorStore: m.get('vectorStore') ?? null,
      builtAt: m.get('builtAt') ?? null,
      truncated: m.get('truncated') ?? null,
    };
  }

  /** Writes some meta fields in one transaction. */
  setMeta(patch: Partial<IndexMeta>): void {
    const stmt = this.db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(patch))
        stmt.run(k, v === null || v === undefined ? null : String(v));
    })();
  }

  /** Closes the database. */
  close(): void {
    this.db.close();
  }
}
