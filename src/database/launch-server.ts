import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RepoRunnerError } from '../model/errors.js';
import { spawnServiceProcess, stopProcessGroup } from '../exec/process-group.js';
import type { ProcessResult } from '../model/process-result.js';
import { tailFile } from '../health/log-tail.js';

/** Default wait for a database server to answer: 60 s. */
export const DEFAULT_READY_TIMEOUT_MS = 60_000;

/** Options of {@link launchServer}. */
export interface LaunchServerOptions {
  /** For messages, e.g. `PostgreSQL on 127.0.0.1:5433`. */
  what: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  /**
   * Resolves true once the server answers a real request. It may throw a
   * RepoRunnerError to fail at once (e.g. wrong password: waiting will not help).
   */
  isReady: () => Promise<boolean>;
  timeoutMs?: number;
  signal?: AbortSignal;
  onSpawn?: (pid: number) => void;
}

function startFailed(options: LaunchServerOptions, why: string): RepoRunnerError {
  const tail = tailFile(options.logFile, 15);
  const shown = tail.length > 0 ? `\n${tail.map((l) => `  ${l}`).join('\n')}` : '';
  return new RepoRunnerError(
    'START_FAILED',
    `${options.what} ${why}; last lines of ${options.logFile}:${shown}`,
    `read ${options.logFile}; a port in use needs another port, a damaged data dir can be deleted to start afresh`,
    { details: { logFile: options.logFile, logTail: tail } },
  );
}

/**
 * Starts a database server as the leader of its own process group (output appended to
 * `logFile`) and polls `isReady` every 100 ms until it answers. When the server exits,
 * does not answer within `timeoutMs`, or the signal aborts, its group is stopped and the
 * start rejects (RepoRunnerError `START_FAILED` with the log tail, or the abort reason).
 *
 * @returns the process group leader's pid.
 */
export async function launchServer(options: LaunchServerOptions): Promise<number> {
  options.signal?.throwIfAborted();
  const child = await spawnServiceProcess({
    argv: options.argv,
    cwd: options.cwd,
    env: options.env,
    logFile: options.logFile,
  });
  // The caller owns the server through its pid; it must not keep our event loop alive.
  child.unref();
  const pid = child.pid;
  options.onSpawn?.(pid);
  let exited: string | null = null;
  // A check may hang on whatever holds the port (a server that failed to bind did not);
  // the exit ends the wait at once.
  const exit = new Promise<false>((resolve) =>
    child.once('exit', (code, sig) => {
      exited = sig ? `was killed by ${sig}` : `exited with code ${code}`;
      resolve(false);
    }),
  );
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      if (exited) throw startFailed(options, `${exited} before answering`);
      if (await Promise.race([options.isReady(), exit])) return pid;
      if (exited) throw startFailed(options, `${exited} before answering`);
      if (Date.now() > deadline) {
        const s = Math.round((options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS) / 1000);
        throw startFailed(options, `did not answer within ${s} s`);
      }
      await sleep(100);
    }
  } catch (err) {
    await stopProcessGroup(pid, 3000);
    throw err;
  }
}

/** Appends a finished command's output to the server's log file, for later failures. */
export function logResult(logFile: string, result: ProcessResult): void {
  mkdirSync(path.dirname(logFile), { recursive: true });
  appendFileSync(logFile, `$ ${result.command}\n${result.stdout}${result.stderr}`);
}
