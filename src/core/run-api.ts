import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdirSync } from 'node:fs';
import type { RunEvent } from '../model/events.js';
import { RepoRunnerError } from '../model/errors.js';
import { runDir } from '../model/paths.js';
import { ecosystemPolicyAgent, orchestratorRunOptions } from '../admin/orchestrators.js';
import { DEFAULT_ORCHESTRATOR, registeredAgents, withCustomAgents } from '../admin/registry.js';
import type { Agent } from '../agents/agent.js';
import { AGENTS } from '../agents/index.js';
import { setUpIsolation } from './isolation.js';
import { executePipeline } from './pipeline.js';
import { createRunContext } from './run-context.js';
import type { Report } from '../model/report.js';
import type { RunContext } from '../model/run-context.js';
import { stopRunProcesses, waitForExit } from './run-control.js';
import { RunOptionsSchema, type RunOptions } from '../model/run-options.js';
import { isProcessAlive } from '../exec/process-group.js';
import type { RunRecord, Store } from '../model/store.js';

/**
 * The run API the CLI (and later the server) use: start, resume and stop runs. The CLI only
 * parses flags and renders; everything a run does happens here and below.
 */

/** A new run id: UTC date and time plus 4 random hex digits, e.g. `20261121-231500-a1b2`. */
export function newRunId(date = new Date()): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** What a caller of {@link startRun} / {@link resumeRun} provides. */
export interface RunCaller {
  store: Store;
  home: string;
  /** Aborting stops the run (its commands and probes) and marks it interrupted. */
  signal: AbortSignal;
  /** Sees every event of the run as it happens. */
  onEvent?: (event: RunEvent) => void;
  /** Called with the run id as soon as the run exists (before any phase runs). */
  onCreated?: (runId: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** A finished pipeline: its report, and the context (for a supervisor to take over). */
export interface RunOutcome {
  runId: string;
  report: Report;
  ctx: RunContext;
}

/** Starts a new run of `source` (a path or git URL) and executes it up to its report. */
export async function startRun(
  caller: RunCaller,
  source: string,
  options: Partial<RunOptions>,
): Promise<RunOutcome> {
  const runId = await createQueuedRun(caller.store, source, options);
  caller.onCreated?.(runId);
  return executeQueuedRun(caller, runId);
}

/**
 * Creates a run record in status `queued` and returns its id; nothing is executed. The
 * server's request does this, then a queue worker calls {@link executeQueuedRun}.
 */
export async function createQueuedRun(
  store: Store,
  source: string,
  options: Partial<RunOptions>,
  owner: { userId?: string } = {},
): Promise<string> {
  // Started through a business orchestrator: its policies shape the options, stored with the run.
  let requested = options;
  if (options.orchestrator) {
    const o = await store.getOrchestrator(options.orchestrator);
    if (!o)
      throw new RepoRunnerError(
        'NOT_FOUND',
        `there is no business orchestrator named ${options.orchestrator}`,
        'see `repo-runner admin-agent list-orchestrators`',
      );
    requested = orchestratorRunOptions(o, options);
  }
  const parsed = RunOptionsSchema.parse(requested);
  const runId = newRunId();
  await store.createRun({ id: runId, source, options: parsed, ...owner });
  return runId;
}

/** Executes a run made by {@link createQueuedRun}, up to its report. */
export async function executeQueuedRun(caller: RunCaller, runId: string): Promise<RunOutcome> {
  const run = await requireRun(caller.store, runId);
  return execute(caller, runId, run.source, RunOptionsSchema.parse(run.options));
}

/**
 * Resumes a run at its first unfinished phase. Processes the crashed attempt left behind
 * (an install killed half way, services) are stopped first. `optionsPatch` changes the
 * run's options for this attempt only (the Admin Agent's interventions: fixes on, longer
 * timeouts); they are not stored.
 *
 * @throws RepoRunnerError RUN_NOT_FOUND for an unknown id; BAD_INPUT when the run is still
 *   being executed by a live process, or is running healthy under its supervisor.
 */
export async function resumeRun(
  caller: RunCaller,
  runId: string,
  optionsPatch: Partial<RunOptions> = {},
): Promise<RunOutcome> {
  const run = await requireRun(caller.store, runId);
  if (run.ownerPid !== null && run.ownerPid !== process.pid && isProcessAlive(run.ownerPid)) {
    throw new RepoRunnerError(
      'BAD_INPUT',
      `run ${runId} is still being executed by process ${run.ownerPid}`,
      `wait for it, or stop it with \`repo-runner stop ${runId}\``,
    );
  }
  if (run.supervisorPid !== null && isProcessAlive(run.supervisorPid)) {
    throw new RepoRunnerError(
      'BAD_INPUT',
      `run ${runId} is running under its supervisor (pid ${run.supervisorPid})`,
      `see \`repo-runner status ${runId}\`, or stop it first`,
    );
  }
  await stopRunProcesses(caller.store, runId);
  caller.onCreated?.(runId);
  return execute(
    caller,
    runId,
    run.source,
    RunOptionsSchema.parse({ ...run.options, ...optionsPatch }),
  );
}

/** Looks a run up. @throws RepoRunnerError RUN_NOT_FOUND. */
export async function requireRun(store: Store, runId: string): Promise<RunRecord> {
  const run = await store.getRun(runId);
  if (!run)
    throw new RepoRunnerError(
      'RUN_NOT_FOUND',
      `no run with id ${runId}`,
      'list runs with `repo-runner status`',
    );
  return run;
}

async function execute(
  caller: RunCaller,
  runId: string,
  source: string,
  options: RunOptions,
): Promise<RunOutcome> {
  const dir = runDir(caller.home, runId);
  mkdirSync(dir, { recursive: true });
  // Many probes (toolchain versions, readiness) listen on the run's signal at once.
  setMaxListeners(100, caller.signal);
  const ctx = createRunContext({
    runId,
    source,
    home: caller.home,
    runDir: dir,
    options,
    store: caller.store,
    signal: caller.signal,
    ...(caller.env ? { env: caller.env } : {}),
  });
  if (caller.onEvent) ctx.bus.on('event', caller.onEvent);
  const record = await caller.store.getRun(runId);
  const { isolation, noCgroup, noNetwork } = await setUpIsolation(
    caller.store,
    caller.home,
    runId,
    record?.userId ?? null,
    { network: options.network, sandbox: options.sandbox, runDir: dir, signal: caller.signal },
  );
  ctx.isolation = isolation;
  if (noCgroup)
    ctx.bus.publish({
      kind: 'warning',
      phase: 'env',
      message: `no cgroup for this run (${noCgroup}): memory, process and CPU limits are not enforced`,
    });
  if (noNetwork)
    ctx.bus.publish({
      kind: 'warning',
      phase: 'env',
      message: `no network of its own for this run (${noNetwork}): it shares this machine's network`,
    });
  await caller.store.updateRun(runId, { status: 'running', ownerPid: process.pid });
  let report: Report;
  try {
    // The built-in agents, the enabled custom agents of the Admin Agent's specs for the
    // run's orchestrator, and that orchestrator's ecosystem policy.
    const orchestrator = options.orchestrator
      ? await caller.store.getOrchestrator(options.orchestrator)
      : undefined;
    let agents = await registeredAgents(
      caller.store,
      AGENTS,
      options.orchestrator ?? DEFAULT_ORCHESTRATOR,
    );
    if (orchestrator?.profile.allowedEcosystems)
      agents = withCustomAgents(agents, [
        { agent: ecosystemPolicyAgent(orchestrator) as Agent, position: 'after' },
      ]);
    report = await executePipeline(ctx, agents);
  } catch (err) {
    // Not a failing phase (those end in the report) but Repo Runner's own failure, e.g. the
    // store staying locked past its busy timeout: stop what the run started (services, its
    // network and relay, whose pipes would keep this process alive) before it propagates.
    await stopRunProcesses(caller.store, runId).catch(() => undefined);
    await caller.store
      .updateRun(runId, { status: 'failed', ownerPid: null })
      .catch(() => undefined);
    throw err;
  }
  if (ctx.state.workspace)
    await caller.store.updateRun(runId, { repoPath: ctx.state.workspace.repoPath });
  if (report.status !== 'healthy') {
    // Nothing half-up is left behind: a run that is not healthy stops all it started.
    await stopRunProcesses(caller.store, runId);
  }
  await caller.store.updateRun(runId, { ownerPid: null });
  return { runId, report, ctx };
}

/**
 * Stops a run: its supervisor (SIGTERM, which stops the services it watches), the process
 * executing it if any, then every process group it still has, and releases its ports.
 *
 * @returns how many process groups had to be stopped here (after the supervisor's own stop).
 */
export async function stopRun(store: Store, runId: string): Promise<{ stoppedGroups: number }> {
  const run = await requireRun(store, runId);
  // An API run's owner is a server process running many runs: never signal it. Its worker
  // sees the `stopped` status and aborts the pipeline itself.
  const owner = run.userId === null ? run.ownerPid : null;
  for (const pid of [run.supervisorPid, owner]) {
    if (pid === null || pid === process.pid || !isProcessAlive(pid)) continue;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone meanwhile */
    }
    if (!(await waitForExit(pid, 15_000))) process.kill(pid, 'SIGKILL');
  }
  const stoppedGroups = await stopRunProcesses(store, runId);
  await store.updateRun(runId, { status: 'stopped', supervisorPid: null, ownerPid: null });
  return { stoppedGroups };
}
