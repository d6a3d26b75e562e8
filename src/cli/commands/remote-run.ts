import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import type { ApiClient } from '../../client/api-client.js';
import { ERROR_CODES } from '../../model/errors.js';
import type { Report } from '../../model/report.js';
import type { EventRecord } from '../../model/store.js';
import { overridesFromFlags } from '../override-flags.js';
import { renderReport } from '../render/report-text.js';
import { connect } from '../remote-session.js';
import { exitCodeFor, type RunCommandFlags } from './run.js';

/**
 * A source as the server should see it: a directory that exists here is sent as an absolute
 * path (the server takes it when it is under its repos roots), anything else as typed.
 */
export function remoteSource(source: string): string {
  const abs = path.resolve(source);
  return existsSync(abs) && statSync(abs).isDirectory() ? abs : source;
}

function parseEvent(data: string): EventRecord | null {
  try {
    return JSON.parse(data) as EventRecord;
  } catch {
    return null;
  }
}

/** One event as a line: `phase detect: done`, `web | listening on 8080`. */
export function eventLine(e: EventRecord): string {
  if (e.kind === 'log') return `${e.service ?? e.phase ?? 'run'} | ${e.message}`;
  const where = e.phase ? `${e.phase}${e.service ? `/${e.service}` : ''}` : (e.service ?? e.kind);
  return `${pc.dim(e.kind)} ${where}: ${e.message}`;
}

/**
 * Follows a run's events until its status is past `queued`/`running` (`until: 'settled'`)
 * or until the stream ends (`until: 'end'`). Prints each event unless `quiet`.
 * Returns false when interrupted (Ctrl-C).
 */
export async function followEvents(
  api: ApiClient,
  runId: string,
  opts: {
    until: 'settled' | 'end' | 'backlog';
    quiet?: boolean;
    verbose?: boolean;
    service?: string;
  },
): Promise<boolean> {
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for await (const e of api.events(runId, {
      signal: abort.signal,
      ...(opts.service ? { service: opts.service } : {}),
    })) {
      if (e.event === 'status') {
        const status = (JSON.parse(e.data) as { status: string }).status;
        if (opts.until === 'backlog') return true;
        if (opts.until === 'settled' && status !== 'queued' && status !== 'running') return true;
        continue;
      }
      if (e.event === 'end') return true;
      const ev = parseEvent(e.data);
      if (!ev || opts.quiet) continue;
      if (ev.kind === 'log' && !opts.verbose && opts.until === 'settled') continue;
      process.stdout.write(`${eventLine(ev)}\n`);
    }
    return true;
  } catch (err) {
    if (abort.signal.aborted) return false;
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * `repo-runner run <source> --server URL`: queues the run on the server, prints its events
 * until it is healthy or failed, then its report. The services stay up on the server
 * (`stop --server` ends them). Ctrl-C stops following only.
 */
export async function remoteRunCommand(
  server: string,
  source: string,
  flags: RunCommandFlags,
): Promise<number> {
  const overrides = overridesFromFlags(flags);
  const api = connect(server);
  const options: Record<string, unknown> = {
    ...(flags.forceInstall ? { forceInstall: true } : {}),
    ...(flags.keepData ? { keepData: true } : {}),
    ...(flags.healthTimeout
      ? { healthTimeoutMs: Math.round(Number(flags.healthTimeout) * 1000) }
      : {}),
    ...(overrides ? { overrides } : {}),
  };
  const run = await api.createRun({ source: remoteSource(source), options });
  if (!flags.json) process.stdout.write(`${pc.dim(`run ${run.id} queued on ${server}`)}\n`);
  const followed = await followEvents(api, run.id, {
    until: 'settled',
    quiet: flags.json ?? false,
    verbose: flags.verbose ?? false,
  });
  if (!followed) {
    process.stderr.write(
      `stopped following; the run goes on: \`repo-runner status ${run.id} --server ${server}\`, stop it with \`repo-runner stop ${run.id} --server ${server}\`\n`,
    );
    return ERROR_CODES.INTERRUPTED;
  }
  const detail = await api.getRun(run.id);
  const report = detail.report as Report | null;
  if (!report) {
    process.stdout.write(
      flags.json ? `${JSON.stringify(detail, null, 2)}\n` : `run ${run.id}: ${detail.status}\n`,
    );
    return detail.status === 'stopped' || detail.status === 'interrupted'
      ? ERROR_CODES.INTERRUPTED
      : 1;
  }
  process.stdout.write(
    flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report)}\n`,
  );
  if (!flags.json && report.status === 'healthy')
    process.stdout.write(
      `services stay up on the server; stop with ${pc.bold(`repo-runner stop ${run.id} --server ${server}`)}\n`,
    );
  return exitCodeFor(report);
}
