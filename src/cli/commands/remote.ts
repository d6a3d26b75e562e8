import pc from 'picocolors';
import type { Report } from '../../model/report.js';
import { overridesFromFlags, type OverrideFlagValues } from '../override-flags.js';
import { renderReport } from '../render/report-text.js';
import { connect } from '../remote-session.js';
import { followEvents, remoteSource } from './remote-run.js';

/** `status [run-id] --server URL`: the caller's runs, or one run with its report. */
export async function remoteStatusCommand(
  server: string,
  runId: string | undefined,
  flags: { json?: boolean; limit?: string },
): Promise<number> {
  const api = connect(server);
  if (runId) {
    const run = await api.getRun(runId);
    if (flags.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    else {
      process.stdout.write(`run ${run.id}: ${run.status}\n`);
      if (run.report) process.stdout.write(`${renderReport(run.report as Report)}\n`);
    }
    return 0;
  }
  const { runs } = await api.listRuns(Number(flags.limit ?? 20) || 20);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    return 0;
  }
  if (runs.length === 0)
    process.stdout.write(
      `no runs yet on ${server}: start one with \`repo-runner run <git-url> --server ${server}\`\n`,
    );
  for (const r of runs) {
    const urls = r.services.map((s) => `${s.name} ${s.url ?? '-'}`).join(', ');
    process.stdout.write(
      `${pc.bold(r.id)}  ${r.status.padEnd(11)}  ${r.source}${urls ? `  ${pc.dim(urls)}` : ''}\n`,
    );
  }
  return 0;
}

/** `logs <run-id> [service] [-f] --server URL`: the run's events; `-f` follows them live. */
export async function remoteLogsCommand(
  server: string,
  runId: string,
  service: string | undefined,
  flags: { follow?: boolean },
): Promise<number> {
  await followEvents(connect(server), runId, {
    until: flags.follow ? 'end' : 'backlog',
    verbose: true,
    ...(service ? { service } : {}),
  });
  return 0;
}

/** `stop <run-id> --server URL`. */
export async function remoteStopCommand(
  server: string,
  runId: string,
  flags: { json?: boolean },
): Promise<number> {
  const stopped = await connect(server).stopRun(runId);
  process.stdout.write(
    flags.json
      ? `${JSON.stringify({ runId, status: stopped.status, stoppedGroups: stopped.stoppedGroups })}\n`
      : `run ${runId} stopped\n`,
  );
  return 0;
}

/** `plan <path> --server URL`: the server's RunPlan of a directory under its repos roots. */
export async function remotePlanCommand(
  server: string,
  source: string,
  flags: { json?: boolean } & OverrideFlagValues,
): Promise<number> {
  const overrides = overridesFromFlags(flags);
  const plan = (await connect(server).plan({
    source: remoteSource(source),
    ...(overrides ? { overrides } : {}),
  })) as { services: Array<{ name: string; start: { argv: string[] } }>; ecosystems: string[] };
  if (flags.json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
  else {
    process.stdout.write(`ecosystems: ${plan.ecosystems.join(', ') || 'none'}\n`);
    for (const s of plan.services)
      process.stdout.write(`service ${s.name}: ${s.start.argv.join(' ')}\n`);
  }
  return plan.services.length > 0 ? 0 : 3;
}
