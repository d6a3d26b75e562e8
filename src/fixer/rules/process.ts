import type { ProcessResult } from '../../model/process-result.js';
import { compact, isBuildPath, programOf } from './text.js';
import type { Rule } from './types.js';

/** The program a spawn failed on (execa's "spawn x ENOENT"), when the failure has `code`. */
function spawnFailed(result: ProcessResult | null, code: 'ENOENT' | 'EACCES'): string | null {
  if (!result?.spawnError?.includes(code)) return null;
  const named = new RegExp(`spawn (\\S+) ${code}`).exec(result.spawnError)?.[1];
  return named ?? programOf(result.command) ?? null;
}

/** Killed for the run's own reasons (timeout, Ctrl-C): a signal then says nothing about the app. */
const ourKill = (r: ProcessResult) => r.timedOut || r.aborted;

/** Stopped by the run's AbortSignal: nothing to classify. */
export const interrupted: Rule = {
  id: 'process/interrupted',
  class: 'unknown',
  stage: 'result',
  test: ({ result }) => (result?.aborted ? { reason: 'aborted' } : null),
};

/** The program to start is a build output that does not exist (`spawn ./dist/app ENOENT`). */
export const spawnBuildOutput: Rule = {
  id: 'process/spawn-build-output',
  class: 'build-output-missing',
  stage: 'result',
  test: ({ result }) => {
    const path = spawnFailed(result, 'ENOENT');
    return path && isBuildPath(path) ? { path } : null;
  },
};

/** ProcessResult.spawnError ENOENT: the program is not on PATH. */
export const spawnNotFound: Rule = {
  id: 'process/spawn-not-found',
  class: 'command-not-found',
  stage: 'result',
  test: ({ result }) => {
    const command = spawnFailed(result, 'ENOENT');
    return command ? { command } : null;
  },
};

/** ProcessResult.spawnError EACCES: the program is not executable. */
export const spawnNotPermitted: Rule = {
  id: 'process/spawn-not-permitted',
  class: 'permission-denied',
  stage: 'result',
  test: ({ result }) => {
    const path = spawnFailed(result, 'EACCES');
    return path ? { path } : null;
  },
};

/**
 * SIGKILL or exit code 137 (128 + 9, a shell's report of a SIGKILLed child) that the run did
 * not send: on Linux that is the OOM killer. The same fields of a service's exit count too.
 */
export const killedOutOfMemory: Rule = {
  id: 'process/killed',
  class: 'out-of-memory',
  stage: 'result',
  test: ({ result, exit }) => {
    const killed = [result && !ourKill(result) ? result : null, exit].find(
      (e) => e?.signal === 'SIGKILL' || e?.exitCode === 137,
    );
    return killed
      ? compact({ signal: killed.signal, exitCode: killed.exitCode?.toString() })
      : null;
  },
};

/** ProcessResult.timedOut with no better explanation in the log. */
export const timedOut: Rule = {
  id: 'process/timed-out',
  class: 'command-timed-out',
  stage: 'fallback',
  test: ({ result }) => (result?.timedOut ? { durationMs: String(result.durationMs) } : null),
};

/** Exit code 127: POSIX shells' "command not found" (the log line was lost or cut). */
export const exitNotFound: Rule = {
  id: 'process/exit-127',
  class: 'command-not-found',
  stage: 'fallback',
  test: ({ result }) =>
    result?.exitCode === 127 ? compact({ command: programOf(result.command) }) : null,
};

/** Exit code 126: POSIX shells' "found but not executable". */
export const exitNotExecutable: Rule = {
  id: 'process/exit-126',
  class: 'permission-denied',
  stage: 'fallback',
  test: ({ result }) =>
    result?.exitCode === 126 ? compact({ path: programOf(result.command) }) : null,
};

/**
 * The process stayed up but never answered: the HealthAgent's
 * "no answer within 30000 ms (last: ECONNREFUSED)" (see `waitForReady`).
 */
export const neverBinds: Rule = {
  id: 'process/never-binds',
  class: 'never-binds',
  stage: 'fallback',
  phases: ['start', 'health'],
  test: ({ healthDetail }) => {
    const m = /no answer within (\d+) ms(?: \(last: (.+)\))?/.exec(healthDetail ?? '');
    return m ? compact({ timeoutMs: m[1], last: m[2] }) : null;
  },
};
