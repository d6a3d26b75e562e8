import pc from 'picocolors';
import type { Report } from '../../model/report.js';

const seconds = (ms: number | null) =>
  ms === null ? '-' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;

const paint = (status: string): string =>
  status === 'healthy' || status === 'done'
    ? pc.green(status)
    : status === 'partial' || status === 'skipped' || status === 'starting'
      ? pc.yellow(status)
      : pc.red(status);

/** The Report as text for people: status, services with URLs, phase timings, warnings, next steps. */
export function renderReport(report: Report): string {
  const out: string[] = [];
  out.push(`${pc.bold(`Run ${report.runId}`)}: ${paint(report.status)}  (${report.source})`);
  for (const s of report.services) {
    out.push(
      `  ${pc.bold(s.name)}  ${s.url ?? '-'}  ${paint(s.health)}${s.pid ? `  pid ${s.pid}` : ''}${s.restarts ? `  restarts ${s.restarts}` : ''}`,
    );
    out.push(`    ${pc.dim(s.command)}`);
    if (s.detail) out.push(`    ${s.detail}`);
    for (const line of s.logTail ?? []) out.push(`    ${pc.dim('│')} ${line}`);
  }
  const ran = report.phases.filter((p) => p.status !== 'skipped' && p.status !== 'pending');
  out.push(
    `  phases: ${ran.map((p) => `${p.name} ${p.status === 'done' ? seconds(p.durationMs) : paint(p.status)}`).join(', ')}`,
  );
  if (report.index) {
    const i = report.index;
    const fell = i.fallbacks.length > 0 ? ` (${i.fallbacks.join('; ')})` : '';
    out.push(
      `  index: ${i.backend} ${paint(i.status === 'ready' ? 'done' : i.status)}, ${i.chunks} chunks${fell}`,
    );
  }
  for (const [name, value] of Object.entries(report.custom ?? {})) {
    // An Admin Agent spec's result (src/admin/custom-agent.ts); other custom agents' shapes vary.
    const c = value as {
      version?: number;
      status?: string;
      reason?: string;
      commands?: { durationMs: number }[];
    };
    if (typeof c.version !== 'number' || !Array.isArray(c.commands)) continue;
    const ms = c.commands.reduce((sum, x) => sum + x.durationMs, 0);
    const what =
      c.status === 'done'
        ? `${c.commands.length} command(s) in ${seconds(ms)}`
        : `skipped: ${c.reason}`;
    out.push(`  agent ${name} v${c.version}: ${what}`);
  }
  for (const w of report.warnings) out.push(`  ${pc.yellow('warning')}: ${w}`);
  for (const f of report.fixes ?? []) {
    const { kind, ...rest } = f.action;
    const outcome =
      f.outcome === 'fixed' || f.outcome === 'progress' ? pc.green(f.outcome) : pc.red(f.outcome);
    out.push(
      `  ${pc.cyan('fix')} ${f.attempt}: ${f.class} → ${kind} ${pc.dim(JSON.stringify(rest))} (${f.source}): ${outcome}${f.detail ? ` ${pc.dim(`— ${f.detail}`)}` : ''}`,
    );
    if (f.located) out.push(`    ${pc.dim(f.located)}`);
  }
  if (report.error) {
    out.push(`  ${pc.red('error')} [${report.error.code}]: ${report.error.message}`);
    if (report.cause && report.cause.class !== 'unknown')
      out.push(`  ${pc.red('cause')}: ${report.cause.class} (${report.cause.evidence})`);
    if (report.cause?.located) out.push(`  ${pc.red('where')}: ${report.cause.located}`);
    const next =
      report.cause && report.cause.class !== 'unknown'
        ? report.cause.nextStep
        : (report.error.hint ?? report.cause?.nextStep);
    if (next) out.push(`  ${pc.cyan('next')}: ${next}`);
  }
  return out.join('\n');
}
