import pc from 'picocolors';
import { readInterventionPolicy } from '../../admin/intervention-policy.js';
import { DEFAULT_STALL_AFTER_MS, watchOnce, type WatchAction } from '../../core/watchdog.js';
import { RepoRunnerError } from '../../model/errors.js';
import { withSession } from '../session.js';

/** Default pause between two passes, s. */
const DEFAULT_INTERVAL_S = 30;

function seconds(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new RepoRunnerError('BAD_INPUT', `${flag} wants a number of seconds; got ${value}`);
  return n;
}

function line(a: WatchAction): string {
  const what =
    a.action === 'intervened'
      ? `${a.outcome?.attempts.map((x) => x.strategy).join(', ') || 'nothing applied'} → ${a.outcome?.result === 'healthy' ? pc.green('healthy') : pc.yellow(`escalated: ${a.outcome?.escalation?.reason}`)}`
      : `${a.action}${a.detail ? ` (${a.detail})` : ''}`;
  return `${new Date().toISOString()} ${pc.bold(a.runId)} ${a.reason}: ${what}`;
}

/**
 * `repo-runner admin-agent watch`: the Admin Agent's watchdog over this machine's runs (see
 * `core/watchdog.ts`), a pass every `--interval` seconds until Ctrl-C, or one with `--once`.
 * Only runs that fail after it starts are taken up, unless `--all`.
 */
export async function watchCommand(flags: {
  once?: boolean;
  interval?: string;
  stallAfter?: string;
  policy?: string;
  all?: boolean;
  json?: boolean;
}): Promise<number> {
  const intervalMs = seconds('--interval', flags.interval, DEFAULT_INTERVAL_S) * 1000;
  const stallAfterMs =
    seconds('--stall-after', flags.stallAfter, DEFAULT_STALL_AFTER_MS / 1000) * 1000;
  const policy = readInterventionPolicy(flags.policy);
  const since = flags.all ? undefined : new Date().toISOString();
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await withSession(async ({ store, home }) => {
      if (!flags.json && !flags.once)
        process.stdout.write(
          `${pc.dim(`watching runs every ${intervalMs / 1000} s (stalled after ${stallAfterMs / 1000} s); Ctrl-C to stop`)}\n`,
        );
      do {
        const actions = await watchOnce(
          { store, home, signal: abort.signal, actorId: null },
          { stallAfterMs, ...(policy ? { policy } : {}), ...(since ? { since } : {}) },
        );
        for (const a of actions)
          process.stdout.write(flags.json ? `${JSON.stringify(a)}\n` : `${line(a)}\n`);
        if (flags.once) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, intervalMs);
          abort.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      } while (!abort.signal.aborted);
      return 0;
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
