import { readFileSync } from 'node:fs';
import pc from 'picocolors';
import { ANONYMOUS_TIER } from '../../auth/tiers.js';
import {
  buildContextIndex,
  resolveIndexTarget,
  searchContextIndex,
  type ContextSearchResult,
  type IndexCaller,
} from '../../core/context-index.js';
import { indexRepository } from '../../index/index-repository.js';
import type { BuildProgress } from '../../index/indexer.js';
import type { SearchMode } from '../../index/search.js';
import { parseBackendName } from '../../index/select-backend.js';
import type { IndexJob } from '../../index/spawn-indexer.js';
import { RepoRunnerError } from '../../model/errors.js';
import type { IndexOutcome } from '../../model/index-outcome.js';
import { connect, serverOf } from '../remote-session.js';
import { withSession, type Session } from '../session.js';

/** The local CLI's caller: no account, so the free tier (ARCHITECTURE.md §3). */
const localCaller = (s: Session): IndexCaller => ({
  store: s.store,
  home: s.home,
  userId: null,
  tier: ANONYMOUS_TIER,
  allRuns: true,
  env: process.env,
});

function backendFlag(value: string | undefined) {
  if (value === undefined) return null;
  try {
    return parseBackendName(value);
  } catch (err) {
    throw new RepoRunnerError(
      'BAD_INPUT',
      (err as Error).message,
      'use --backend text, faiss or chroma',
    );
  }
}

function describe(o: IndexOutcome): string {
  const lines = [
    `index ${o.status}: ${o.files} files, ${o.chunks} chunks, ${o.backend}${o.embedder ? ` (${o.embedder}${o.lexical ? ', lexical only' : ''})` : ''}${o.durationMs !== null ? ` in ${(o.durationMs / 1000).toFixed(1)} s` : ''}`,
    `  why: ${o.reason}`,
    ...o.fallbacks.map((f) => `  ${pc.yellow('fallback')}: ${f}`),
    ...(o.truncated ? [`  ${pc.yellow('limit')}: ${o.truncated}`] : []),
    ...(o.error ? [`  ${pc.red('error')}: ${o.error}`] : []),
    `  at: ${o.dir}`,
  ];
  return lines.join('\n');
}

/** Progress on stderr, one line rewritten in place on a terminal. */
function progressPrinter(): (p: BuildProgress) => void {
  let last = 0;
  return (p) => {
    if (!process.stderr.isTTY) return;
    const now = Date.now();
    if (now - last < 100 && p.done < p.total) return;
    last = now;
    process.stderr.write(
      `\r${p.stage === 'embed' ? 'embedding' : 'indexing'} ${p.done}/${p.total}   `,
    );
  };
}

/**
 * `repo-runner index <path|run-id> [--backend] [--json]`: builds or updates the context index
 * now and prints its state (backend, why, fallbacks, files, chunks).
 */
export async function indexCommand(
  target: string,
  flags: { backend?: string; json?: boolean; server?: string },
): Promise<number> {
  const server = serverOf(flags);
  if (server) {
    const backend = backendFlag(flags.backend);
    const outcome = await connect(server).request<IndexOutcome>(
      'POST',
      `/runs/${encodeURIComponent(target)}/index`,
      backend ? { backend } : {},
    );
    process.stdout.write(
      flags.json ? `${JSON.stringify(outcome, null, 2)}\n` : `${describe(outcome)}\n`,
    );
    return 0;
  }
  return withSession(async (s) => {
    const caller = localCaller(s);
    const resolved = await resolveIndexTarget(caller, target, { allowPath: true });
    const outcome = await buildContextIndex(
      caller,
      resolved,
      backendFlag(flags.backend),
      progressPrinter(),
    );
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    process.stdout.write(
      flags.json ? `${JSON.stringify(outcome, null, 2)}\n` : `${describe(outcome)}\n`,
    );
    return 0;
  });
}

/**
 * `repo-runner search <path|run-id> "query" [--backend] [--mode] [--limit] [--json]`: path,
 * lines, score and snippet of the best chunks.
 */
export async function searchCommand(
  target: string,
  query: string,
  flags: { backend?: string; mode?: string; limit?: string; json?: boolean; server?: string },
): Promise<number> {
  const limit = Number(flags.limit ?? '10');
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new RepoRunnerError(
      'BAD_INPUT',
      `--limit ${flags.limit} is not a number from 1 to 100`,
      'use e.g. --limit 10',
    );
  const mode = flags.mode as SearchMode | undefined;
  if (mode && !['text', 'vector', 'hybrid'].includes(mode))
    throw new RepoRunnerError(
      'BAD_INPUT',
      `--mode ${mode} is unknown`,
      'use --mode text, vector or hybrid',
    );
  const backend = backendFlag(flags.backend);
  const server = serverOf(flags);
  if (server) {
    const result = await connect(server).request<PrintedSearch>(
      'POST',
      `/runs/${encodeURIComponent(target)}/search`,
      { query, limit, ...(backend ? { backend } : {}), ...(mode ? { mode } : {}) },
    );
    printSearch(query, result, flags.json);
    return 0;
  }
  return withSession(async (s) => {
    const caller = localCaller(s);
    const resolved = await resolveIndexTarget(caller, target, { allowPath: true });
    const result = await searchContextIndex(caller, resolved, query, { limit, backend, mode });
    const hits = result.hits.map(({ content: _content, ...h }) => h);
    printSearch(query, { ...result, hits }, flags.json);
    return 0;
  });
}

/** A search's answer as printed (the API's shape: hits without their whole chunk). */
type PrintedSearch = Omit<ContextSearchResult, 'hits'> & {
  hits: Omit<ContextSearchResult['hits'][number], 'content'>[];
};

function printSearch(query: string, result: PrintedSearch, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  for (const note of result.notes) process.stderr.write(`${pc.yellow('note')}: ${note}\n`);
  if (result.hits.length === 0)
    process.stdout.write(`no match for "${query}" (${result.mode} search)\n`);
  for (const h of result.hits) {
    process.stdout.write(
      `${pc.bold(`${h.path}:${h.startLine}-${h.endLine}`)}  ${pc.dim(h.score.toFixed(4))}\n`,
    );
    process.stdout.write(
      `${h.snippet
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n')}\n`,
    );
  }
}

/**
 * `repo-runner __index <job file>` (internal): the background build the ContextIndexer
 * starts. SIGTERM (the run's `stop`) aborts it between files or batches; the index stays
 * consistent and the next build finishes it.
 */
export async function internalIndexCommand(file: string): Promise<number> {
  const job = JSON.parse(readFileSync(file, 'utf8')) as IndexJob;
  const abort = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => abort.abort());
  const started = Date.now();
  try {
    const outcome = await indexRepository({ ...job, env: process.env, signal: abort.signal });
    process.stdout.write(`${new Date().toISOString()} ${describe(outcome)}\n`);
    return 0;
  } catch (err) {
    process.stdout.write(
      `${new Date().toISOString()} index build failed after ${Date.now() - started} ms: ${(err as Error).message}\n`,
    );
    return 1;
  }
}
