import { appendFileSync, mkdirSync } from 'node:fs';
import { diskQuotaHit } from './disk-quota.js';
import type { LimitHit } from '../model/run-limits.js';
import path from 'node:path';
import type { CommandSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';
import type { ProcessResult } from '../model/process-result.js';
import { openRunCgroup } from './cgroup.js';
import { confine, spawnNotFound } from './confine.js';
import { runCommand } from './run-command.js';

/** Options of {@link runTracked}. */
export interface TrackedOptions {
  phase: string;
  service: string;
  /** `install`, `build`: recorded with the process so a resume can find orphans. */
  kind: string;
  /** Appends output here (created with its folder). */
  logFile: string;
  env: Record<string, string>;
  timeoutMs: number;
}

/**
 * Runs one planned command for a run: confined to the run's sandbox (`exec/confine.ts`), in
 * its own process group, recorded in the store while
 * it lives (so a crashed run's orphans can be killed on resume), output appended to a log
 * file and published as `log` events line by line, honouring the run's abort signal.
 */
export async function runTracked(
  ctx: RunContext,
  cmd: CommandSpec,
  repoPath: string,
  o: TrackedOptions,
): Promise<ProcessResult> {
  const cwd = path.resolve(repoPath, cmd.cwd);
  const argv = cmd.argv.map((a, i) => (i === 0 && a.includes('/') ? path.resolve(cwd, a) : a));
  mkdirSync(path.dirname(o.logFile), { recursive: true });
  appendFileSync(o.logFile, `$ ${cmd.argv.join(' ')}   (in ${cmd.cwd})\n`);
  ctx.bus.publish({
    kind: 'info',
    phase: o.phase,
    service: o.service,
    message: `${cmd.description}: ${cmd.argv.join(' ')}`,
  });
  let processId: Promise<number> | undefined;
  let partial = '';
  // The run's namespace is made in the background (exec/run-network.ts).
  await ctx.isolation?.network?.ready();
  const confined = confine(ctx, { argv, cwd, env: { ...o.env, ...cmd.env } });
  if (!confined) {
    const missing = spawnNotFound(argv, cwd);
    appendFileSync(o.logFile, `[${missing.spawnError}]\n`);
    return missing;
  }
  // A limit hit while this step ran (OOM kill, refused fork) is the step's, as data.
  const group = openRunCgroup(ctx.runId);
  const mark = group?.limitEvents();
  const stepLimit = ctx.isolation?.limits?.stepTimeoutMs ?? Infinity;
  const ran = await runCommand(confined.argv, {
    cwd: confined.cwd,
    env: confined.env,
    timeoutMs: Math.min(cmd.timeoutMs ?? o.timeoutMs, stepLimit),
    signal: ctx.signal,
    onSpawn: (pid) => {
      processId = ctx.store.recordProcess({
        runId: ctx.runId,
        service: o.service,
        kind: o.kind,
        pid,
        command: argv.join(' '),
      });
    },
    onOutput: (chunk) => {
      appendFileSync(o.logFile, chunk);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines)
        if (line.trim())
          ctx.bus.publish({ kind: 'log', phase: o.phase, service: o.service, message: line });
    },
  });
  // The command as planned, not its sandbox wrapper: messages and fix rules read it.
  const hit: LimitHit | null = !ran.failed
    ? null
    : diskQuotaHit(ctx.runId)
      ? 'disk-quota'
      : group && mark
        ? group.limitHitSince(mark)
        : null;
  const result = { ...ran, command: argv.join(' '), ...(hit ? { limitHit: hit } : {}) };
  if (partial.trim())
    ctx.bus.publish({ kind: 'log', phase: o.phase, service: o.service, message: partial });
  if (processId) await ctx.store.endProcess(await processId);
  appendFileSync(
    o.logFile,
    `[exit ${result.exitCode ?? result.signal ?? 'error'} after ${result.durationMs} ms${result.timedOut ? ', timed out' : ''}]\n`,
  );
  return result;
}
