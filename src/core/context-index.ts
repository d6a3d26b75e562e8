import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ANONYMOUS_TIER } from '../auth/tiers.js';
import type { TierName } from '../auth/types.js';
import { IndexBusyError } from '../index/index-lock.js';
import {
  indexDirFor,
  indexRepository,
  readIndexOutcome,
  searchRepository,
} from '../index/index-repository.js';
import type { BuildProgress } from '../index/indexer.js';
import { NoIndexError, type SearchHit, type SearchMode } from '../index/search.js';
import {
  BackendNotAllowedError,
  backendAllowed,
  type IndexBackendName,
} from '../index/select-backend.js';
import type { Embedder } from '../index/types.js';
import { RepoRunnerError } from '../model/errors.js';
import type { IndexOutcome } from '../model/index-outcome.js';
import type { Store } from '../model/store.js';
import { freemem, totalmem, cpus } from 'node:os';

/** Who asks: the local CLI (no user: the free tier, ARCHITECTURE.md §3) or a user of the server. */
export interface IndexCaller {
  store: Store;
  home: string;
  userId: string | null;
  tier: TierName;
  /** May read every user's runs (tester, admin, developer). */
  allRuns?: boolean;
  env: NodeJS.ProcessEnv;
  /** An embedder to use instead of choosing one (tests). */
  embedder?: Embedder;
}

/** A repository whose index is asked for: its folder, the index folder, whose index it is. */
export interface IndexTarget {
  repoPath: string;
  dir: string;
  /** The tier the index is built and searched for (the run owner's, or the caller's). */
  tier: TierName;
  runId: string | null;
}

/**
 * Resolves `target` (a run id, or for the local CLI a folder) to a repository and its index
 * folder. A run's index is its owner's; a caller who is not the owner (and cannot read all
 * runs) gets RUN_NOT_FOUND, as for the run itself.
 *
 * @throws RepoRunnerError RUN_NOT_FOUND, or BAD_INPUT when a run has no workspace yet.
 */
export async function resolveIndexTarget(
  caller: IndexCaller,
  target: string,
  options: { allowPath: boolean },
): Promise<IndexTarget> {
  if (options.allowPath && existsSync(target) && statSync(target).isDirectory()) {
    const repoPath = path.resolve(target);
    return {
      repoPath,
      dir: await indexDirFor(caller.home, caller.userId, repoPath),
      tier: caller.tier,
      runId: null,
    };
  }
  const run = await caller.store.getRun(target);
  if (!run || (caller.userId !== null && !caller.allRuns && run.userId !== caller.userId)) {
    throw new RepoRunnerError(
      'RUN_NOT_FOUND',
      `no run or folder ${target}`,
      options.allowPath
        ? 'give a run id (`repo-runner status` lists them) or a folder'
        : 'list runs with GET /api/v1/runs',
    );
  }
  if (!run.repoPath || !existsSync(run.repoPath)) {
    throw new RepoRunnerError(
      'BAD_INPUT',
      `run ${run.id} has no repository on disk`,
      'start a new run of the repository',
    );
  }
  const owner = run.userId ? await caller.store.findUser(run.userId) : undefined;
  return {
    repoPath: run.repoPath,
    dir: await indexDirFor(caller.home, run.userId, run.repoPath),
    tier: owner?.tier ?? ANONYMOUS_TIER,
    runId: run.id,
  };
}

function forbidden(err: BackendNotAllowedError): RepoRunnerError {
  return new RepoRunnerError(
    'FORBIDDEN',
    err.message,
    'see `repo-runner tiers` for what each tier includes',
  );
}

/**
 * Builds or updates the index of `target` now (in this process), with the backend asked for
 * or the tier's own.
 * @throws RepoRunnerError FORBIDDEN when the backend exceeds the tier, CONFLICT when another
 *   build of the same index is under way.
 */
export async function buildContextIndex(
  caller: IndexCaller,
  target: IndexTarget,
  backend: IndexBackendName | null,
  onProgress?: (p: BuildProgress) => void,
  signal?: AbortSignal,
): Promise<IndexOutcome> {
  try {
    return await indexRepository({
      home: caller.home,
      repoPath: target.repoPath,
      dir: target.dir,
      tier: target.tier,
      requested: backend,
      facts: { memoryBytes: Math.max(totalmem(), freemem()), cpus: cpus().length },
      env: caller.env,
      onProgress,
      signal,
      embedder: caller.embedder,
    });
  } catch (err) {
    if (err instanceof BackendNotAllowedError) throw forbidden(err);
    if (err instanceof IndexBusyError)
      throw new RepoRunnerError('CONFLICT', err.message, 'wait for that build to end');
    throw err;
  }
}

/** The state of `target`'s index. @throws RepoRunnerError NOT_FOUND when none was built. */
export function contextIndexStatus(target: IndexTarget): IndexOutcome {
  const outcome = readIndexOutcome(target.dir);
  if (!outcome) throw noIndex(target);
  return outcome;
}

function noIndex(target: IndexTarget): RepoRunnerError {
  return new RepoRunnerError(
    'NOT_FOUND',
    `${target.runId ? `run ${target.runId}` : target.repoPath} has no context index yet`,
    `build one with \`repo-runner index ${target.runId ?? target.repoPath}\`${target.runId ? ` (or POST /api/v1/runs/${target.runId}/index)` : ''}`,
  );
}

/** A search's answer. */
export interface ContextSearchResult {
  hits: SearchHit[];
  mode: SearchMode;
  backend: IndexBackendName;
  notes: string[];
  index: IndexOutcome;
}

/**
 * Searches `target`'s index as `tier` may: `backend` text forces text search; faiss or
 * chroma must be the backend the index was built with and allowed to the tier.
 * @throws RepoRunnerError FORBIDDEN (backend beyond the tier), BAD_INPUT (a backend the
 *   index was not built with, an empty query), NOT_FOUND (no index yet).
 */
export async function searchContextIndex(
  caller: IndexCaller,
  target: IndexTarget,
  query: string,
  options: { limit?: number; backend?: IndexBackendName | null; mode?: SearchMode },
): Promise<ContextSearchResult> {
  if (query.trim() === '')
    throw new RepoRunnerError('BAD_INPUT', 'the query is empty', 'give the words to search for');
  const backend = options.backend ?? null;
  if (backend && !backendAllowed(caller.tier, backend))
    throw forbidden(new BackendNotAllowedError(caller.tier, backend));
  const built = readIndexOutcome(target.dir);
  if (!built) throw noIndex(target);
  if (backend && backend !== 'text' && backend !== built.backend) {
    throw new RepoRunnerError(
      'BAD_INPUT',
      `this index was built with ${built.backend}, not ${backend}`,
      `rebuild it with \`repo-runner index ${target.runId ?? target.repoPath} --backend ${backend}\``,
    );
  }
  try {
    const found = await searchRepository({
      home: caller.home,
      dir: target.dir,
      tier: caller.tier,
      query,
      limit: options.limit ?? 10,
      mode: backend === 'text' ? 'text' : options.mode,
      env: caller.env,
      embedder: caller.embedder,
    });
    return {
      hits: found.hits,
      mode: found.mode,
      backend: found.backend,
      notes: found.notes,
      index: found.outcome,
    };
  } catch (err) {
    if (err instanceof NoIndexError) throw noIndex(target);
    throw err;
  }
}
