import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, realpath, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TierName } from '../auth/types.js';
import type { IndexOutcome } from '../model/index-outcome.js';
import { IndexDb } from './index-db.js';
import { acquireIndexLock } from './index-lock.js';
import { buildIndex, type BuildProgress } from './indexer.js';
import { openBackend } from './open-backend.js';
import { searchIndex, type SearchHit, type SearchMode, NoIndexError } from './search.js';
import {
  backendAllowed,
  chooseBackend,
  type IndexBackendName,
  type RecommendationFacts,
} from './select-backend.js';
import type { Embedder } from './types.js';
import { walkRepository } from './walk.js';

/**
 * The index folder of a repository for one owner: `<home>/indexes/<key>`, the key a hash of
 * the owner (null: the local CLI) and the repository's real path. Runs of the same folder by
 * the same owner share it, so a second run only re-indexes what changed; two owners never
 * share one (one user cannot see or poison another's index).
 */
export async function indexDirFor(
  home: string,
  owner: string | null,
  repoPath: string,
): Promise<string> {
  const real = await realpath(repoPath);
  const key = createHash('sha256')
    .update(`${owner ?? 'local'}\0${real}`)
    .digest('hex')
    .slice(0, 20);
  return path.join(home, 'indexes', key);
}

/** What {@link indexRepository} needs. */
export interface IndexRequest {
  home: string;
  repoPath: string;
  /** The index folder (see {@link indexDirFor}). */
  dir: string;
  tier: TierName;
  /** An explicit backend (`--index-backend`), or null for the tier's. */
  requested: IndexBackendName | null;
  /** Memory and CPUs (the EnvDetectorAgent's facts). */
  facts: Omit<RecommendationFacts, 'files'>;
  env: NodeJS.ProcessEnv;
  onProgress?: (p: BuildProgress) => void;
  signal?: AbortSignal;
  /** An embedder to use instead of choosing one (tests, benchmarks). */
  embedder?: Embedder;
}

const OUTCOME_FILE = 'outcome.json';

/** Records an index's outcome in `<dir>/outcome.json` (atomically: temp file, rename). */
export async function writeOutcome(dir: string, outcome: IndexOutcome): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `${OUTCOME_FILE}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(outcome, null, 2));
  await rename(tmp, path.join(dir, OUTCOME_FILE));
}

/**
 * The index's state as last recorded, with the current file and chunk counts; a build that
 * was killed shows `building` with the pid gone (the next build finishes it).
 * @returns null when no index was ever started in `dir`.
 */
export function readIndexOutcome(dir: string): IndexOutcome | null {
  const file = path.join(dir, OUTCOME_FILE);
  if (!existsSync(file)) return null;
  const outcome = JSON.parse(readFileSync(file, 'utf8')) as IndexOutcome;
  const dbFile = path.join(dir, 'index.db');
  if (existsSync(dbFile)) {
    const db = IndexDb.open(dbFile);
    try {
      const counts = db.counts();
      return { ...outcome, files: counts.files, chunks: counts.chunks };
    } finally {
      db.close();
    }
  }
  return outcome;
}

/**
 * Waits up to `timeoutMs` for a background build in `dir` to leave `building` (polling every
 * 100 ms), for a caller that would rather search a finished index (the FixerAgent, on the
 * failure path only). Returns the outcome as it is then, or null when there is no index.
 */
export async function waitForIndex(dir: string, timeoutMs: number): Promise<IndexOutcome | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = readIndexOutcome(dir);
    if (!outcome || outcome.status !== 'building' || Date.now() >= deadline) return outcome;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Builds or updates a repository's index: chooses the backend for the tier (and the
 * recommendation), opens it with its fallbacks, builds incrementally, and records the
 * outcome in `<dir>/outcome.json` (status `building` first, then `ready` or `failed`).
 *
 * @throws BackendNotAllowedError when `requested` exceeds the tier.
 * @throws IndexBusyError when another process builds the same index.
 */
export async function indexRepository(req: IndexRequest): Promise<IndexOutcome> {
  const started = Date.now();
  // Taken first: a second build (another run of the same repository) leaves the first's
  // backend, server and recorded state alone.
  const lock = await acquireIndexLock(req.dir);
  try {
    return await buildLocked(req, started);
  } finally {
    await lock.release();
  }
}

async function buildLocked(req: IndexRequest, started: number): Promise<IndexOutcome> {
  const walk = await walkRepository(req.repoPath);
  const choice = chooseBackend(req.tier, req.requested, { ...req.facts, files: walk.files.length });
  const opened = await openBackend(choice.backend, {
    dir: req.dir,
    home: req.home,
    env: req.env,
    embedder: req.embedder,
    signal: req.signal,
    rebuild: true,
  });
  const embedder = opened.vector?.embedder ?? null;
  const base: IndexOutcome = {
    dir: req.dir,
    backend: opened.backend,
    reason: choice.reason,
    fallbacks: opened.fallbacks,
    embedder: embedder?.id ?? null,
    lexical: embedder?.lexical ?? false,
    status: 'building',
    files: 0,
    chunks: 0,
    truncated: null,
    durationMs: null,
    error: null,
  };
  try {
    await mkdir(req.dir, { recursive: true });
    await writeOutcome(req.dir, base);
    const result = await buildIndex({
      root: req.repoPath,
      dir: req.dir,
      vector: opened.vector,
      onProgress: req.onProgress,
      signal: req.signal,
      locked: true,
    });
    const done: IndexOutcome = {
      ...base,
      status: 'ready',
      files: result.files,
      chunks: result.chunks,
      truncated: result.truncated,
      durationMs: Date.now() - started,
    };
    await writeOutcome(req.dir, done);
    return done;
  } catch (err) {
    const failed: IndexOutcome = {
      ...base,
      status: 'failed',
      error: (err as Error).message,
      durationMs: Date.now() - started,
    };
    await writeOutcome(req.dir, failed).catch(() => {});
    throw err;
  } finally {
    await opened.close();
  }
}

/** What {@link searchRepository} needs. */
export interface SearchRequest {
  home: string;
  dir: string;
  tier: TierName;
  query: string;
  limit: number;
  /** Default: hybrid on a vector index, text otherwise. */
  mode?: SearchMode;
  env: NodeJS.ProcessEnv;
  embedder?: Embedder;
}

/**
 * Searches a built index with the backend it was built with (when the tier allows it): a
 * vector index is searched hybrid by default; when its embedder cannot be had now, or the
 * tier does not include its backend, the search is text only and `notes` says why.
 *
 * @throws NoIndexError when none was built.
 */
export async function searchRepository(req: SearchRequest): Promise<{
  hits: SearchHit[];
  mode: SearchMode;
  backend: IndexBackendName;
  notes: string[];
  outcome: IndexOutcome;
}> {
  const outcome = readIndexOutcome(req.dir);
  if (!outcome) throw new NoIndexError(req.dir);
  const notes: string[] = [];
  if (outcome.status !== 'ready')
    notes.push(
      `the index is ${outcome.status === 'failed' ? 'failed' : 'incomplete (building, or its build was stopped)'}: results may miss files`,
    );
  let backend: IndexBackendName = outcome.backend;
  if (backend !== 'text' && !backendAllowed(req.tier, backend)) {
    notes.push(`the ${req.tier} tier does not include ${backend} search: text search used`);
    backend = 'text';
  }
  const wantsVector = req.mode !== 'text' && backend !== 'text';
  const opened = wantsVector
    ? await openBackend(backend, {
        dir: req.dir,
        home: req.home,
        env: req.env,
        embedder: req.embedder,
      })
    : null;
  try {
    let vector = opened?.vector ?? null;
    if (opened && opened.backend !== backend) notes.push(...opened.fallbacks);
    if (vector && vector.embedder.id !== outcome.embedder) {
      notes.push(
        `the index was embedded with ${outcome.embedder}, which is not available now (${vector.embedder.id}): text search used`,
      );
      vector = null;
    }
    // Hybrid by default for a real model; the hashing embedder fused in does worse than text.
    const mode: SearchMode = vector
      ? (req.mode ?? (vector.embedder.lexical ? 'text' : 'hybrid'))
      : 'text';
    const found = await searchIndex({
      dir: req.dir,
      query: req.query,
      limit: req.limit,
      mode,
      vector,
    });
    return { hits: found.hits, mode, backend: vector ? backend : 'text', notes, outcome };
  } finally {
    await opened?.close();
  }
}
