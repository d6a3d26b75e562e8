import pc from 'picocolors';
import { adoptRun } from '../../core/adopt-run.js';
import { handOverToSupervisor } from '../../core/detach.js';
import { ERROR_CODES, RepoRunnerError } from '../../model/errors.js';
import { resumeRun, startRun, type RunCaller, type RunOutcome } from '../../core/run-api.js';
import { stopRunProcesses } from '../../core/run-control.js';
import type { Report } from '../../model/report.js';
import { Supervisor } from '../../core/supervisor.js';
import { renderReport } from '../render/report-text.js';
import { TaskList } from '../render/task-list.js';
import { overridesFromFlags, type OverrideFlagValues } from '../override-flags.js';
import { withSession, type Session } from '../session.js';
import { parseBackendName, type IndexBackendName } from '../../index/select-backend.js';

/** Flags shared by `run` and `resume`. */
export interface RunFlags {
  detach?: boolean;
  json?: boolean;
  verbose?: boolean;
  host?: string;
  healthTimeout?: string;
  forceInstall?: boolean;
  keepData?: boolean;
  /** commander's `--no-fix`: false when given. */
  fix?: boolean;
  allowSystemPackages?: boolean;
  /** commander's `--no-sandbox`: false when given. */
  sandbox?: boolean;
  /** `--network run|host`. */
  network?: string;
  /** commander's `--no-index`: false when given. */
  index?: boolean;
  /** `--index-backend text|faiss|chroma`. */
  indexBackend?: string;
  /** `--orchestrator <name>`: a business orchestrator's policies and custom agents. */
  orchestrator?: string;
}

/** `run` flags: the shared ones plus the override flags. */
export interface RunCommandFlags extends RunFlags, OverrideFlagValues {}

/** Exit code for a finished report: 0 only when every service is healthy (README "Exit codes"). */
export function exitCodeFor(report: Report): number {
  if (report.status === 'healthy') return 0;
  const code = report.error?.code as keyof typeof ERROR_CODES | undefined;
  if (code && code in ERROR_CODES) return ERROR_CODES[code];
  return ERROR_CODES.UNHEALTHY;
}

/** `repo-runner run <source>` and `repo-runner resume <run-id>`. Returns the exit code. */
export async function runCommand(
  flags: RunCommandFlags,
  target: { source: string } | { runId: string },
): Promise<number> {
  // Validate the flags before anything is created, so a bad flag leaves no run behind.
  const overrides = overridesFromFlags(flags);
  return withSession(async (session) => {
    if ('runId' in target) {
      const adopted = await adoptOrphan(session, target.runId, flags.json ?? false);
      if (adopted !== null) return adopted;
    }
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const tasks = flags.json ? null : new TaskList(flags.verbose ?? false);
    const caller: RunCaller = {
      store: session.store,
      home: session.home,
      signal: abort.signal,
      onEvent: (e) => tasks?.onEvent(e),
      onCreated: (id) => {
        if (!flags.json) process.stdout.write(`${pc.dim(`run ${id}`)}\n`);
      },
    };
    let outcome: RunOutcome;
    try {
      outcome =
        'source' in target
          ? await startRun(caller, target.source, {
              detach: flags.detach ?? false,
              forceInstall: flags.forceInstall ?? false,
              keepData: flags.keepData ?? false,
              fix: flags.fix ?? true,
              allowSystemPackages: flags.allowSystemPackages ?? false,
              index: flags.index ?? true,
              ...(flags.orchestrator ? { orchestrator: flags.orchestrator } : {}),
              ...(flags.indexBackend
                ? { indexBackend: parseIndexBackend(flags.indexBackend) }
                : {}),
              sandbox: flags.sandbox === false ? 'none' : 'bubblewrap',
              network: parseNetwork(flags.network),
              ...(overrides ? { overrides } : {}),
              ...(flags.host ? { host: flags.host } : {}),
              ...(flags.healthTimeout
                ? { healthTimeoutMs: parseSeconds(flags.healthTimeout) }
                : {}),
            })
          : await resumeRun(caller, target.runId);
    } catch (err) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      throw err;
    }
    // The handlers stay until the run is handed over or supervised here: a Ctrl-C between
    // the report and the foreground supervisor must stop the run, not kill this process
    // and leave its services (and network) behind.
    try {
      return await afterPipeline(session, outcome, abort.signal, flags, tasks);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}

/** What `run` does once the pipeline reported: print, then hand over, supervise or stop. */
async function afterPipeline(
  session: Session,
  outcome: RunOutcome,
  interrupted: AbortSignal,
  flags: RunCommandFlags,
  tasks: TaskList | null,
): Promise<number> {
  await tasks?.finished();
  const { report } = outcome;
  process.stdout.write(
    flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report)}\n`,
  );
  if (report.status !== 'healthy') return exitCodeFor(report);
  if (interrupted.aborted) {
    await stopRunProcesses(session.store, outcome.runId);
    await session.store.updateRun(outcome.runId, { status: 'interrupted' });
    return ERROR_CODES.INTERRUPTED;
  }
  if (flags.detach ?? outcome.ctx.options.detach) {
    const pid = await handOverToSupervisor(session.store, session.home, outcome, process.env);
    if (!flags.json)
      process.stdout.write(
        `supervisor pid ${pid}; stop with ${pc.bold(`repo-runner stop ${outcome.runId}`)}, logs with ${pc.bold(`repo-runner logs ${outcome.runId} -f`)}\n`,
      );
    return 0;
  }
  return superviseInForeground(session, outcome, flags.json ?? false, interrupted);
}

/**
 * `resume` of a run whose supervisor died while its services still run: a new detached
 * supervisor adopts them instead of the run being executed again. Null when not orphaned.
 */
async function adoptOrphan(session: Session, runId: string, json: boolean): Promise<number | null> {
  const run = await session.store.getRun(runId);
  if (!run) return null;
  const pid = await adoptRun(session.store, session.home, run, process.env);
  if (pid === null) return null;
  process.stdout.write(
    json
      ? `${JSON.stringify({ runId, status: run.status, adopted: true, supervisorPid: pid })}\n`
      : `run ${runId}: its services are still running; supervisor pid ${pid} adopted them. Stop with ${pc.bold(`repo-runner stop ${runId}`)}\n`,
  );
  return 0;
}

function parseNetwork(value: string | undefined): 'run' | 'host' {
  if (value === undefined || value === 'run' || value === 'host') return value ?? 'run';
  throw new RepoRunnerError(
    'BAD_INPUT',
    `--network must be run or host, got "${value}"`,
    "e.g. --network host to share this machine's network",
  );
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new RepoRunnerError(
      'BAD_INPUT',
      `--health-timeout must be a positive number of seconds, got "${value}"`,
      'e.g. --health-timeout 60',
    );
  return Math.round(n * 1000);
}

async function superviseInForeground(
  session: Session,
  outcome: RunOutcome,
  json: boolean,
  interrupted: AbortSignal,
): Promise<number> {
  const supervisor = new Supervisor(outcome.ctx);
  // Live status: crashes, restarts and liveness failures as they happen.
  outcome.ctx.bus.on('event', (e) => {
    if (json || (e.kind !== 'service' && e.kind !== 'warning')) return;
    const at = new Date().toISOString().slice(11, 19);
    process.stdout.write(`${pc.dim(at)} ${e.service ?? ''}: ${e.message}\n`);
  });
  await session.store.updateRun(outcome.runId, { supervisorPid: process.pid });
  supervisor.start();
  if (!json) process.stdout.write(pc.dim('running; press Ctrl-C to stop every service\n'));
  const ended = await new Promise<'signal' | 'all-failed'>((resolve) => {
    // Ctrl-C or SIGTERM, also one that came while the report was being printed.
    if (interrupted.aborted) resolve('signal');
    interrupted.addEventListener('abort', () => resolve('signal'), { once: true });
    void supervisor.allFailed.then(() => resolve('all-failed'));
  });
  if (!json) process.stdout.write(ended === 'signal' ? 'stopping...\n' : 'every service failed\n');
  await supervisor.stop();
  await stopRunProcesses(session.store, outcome.runId);
  if (ended === 'all-failed') {
    await session.store.updateRun(outcome.runId, { supervisorPid: null });
    return ERROR_CODES.UNHEALTHY;
  }
  await session.store.updateRun(outcome.runId, { status: 'stopped', supervisorPid: null });
  return 0;
}

/** `--index-backend`: text, faiss or chroma (`simple` taken for text). */
function parseIndexBackend(value: string): IndexBackendName {
  try {
    return parseBackendName(value);
  } catch (err) {
    throw new RepoRunnerError(
      'BAD_INPUT',
      (err as Error).message,
      'use --index-backend text, faiss or chroma',
    );
  }
}
