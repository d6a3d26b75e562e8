import os from 'node:os';
import path from 'node:path';
import type { ProcessResult } from '../model/process-result.js';
import { runCommand } from './run-command.js';
import { resolveProgram } from './sandbox.js';

/** Debian's apt-get, non-interactive; 20 minutes at most (a cold mirror is slow). */
const APT_TIMEOUT_MS = 1_200_000;

/**
 * Runs `apt-get <args>` non-interactively under a lock file (`flock`), so runs and test
 * files installing at once wait for each other instead of failing on dpkg's lock.
 */
export function aptGet(args: string[], signal?: AbortSignal): Promise<ProcessResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const flock = resolveProgram('flock', '/', env.PATH ?? '');
  const lock = path.join(os.tmpdir(), 'repo-runner-apt.lock');
  const argv = [...(flock ? [flock, '-w', '1200', lock] : []), 'apt-get', ...args];
  return runCommand(argv, { cwd: '/', env, timeoutMs: APT_TIMEOUT_MS, signal });
}

/** True when this process may install Debian packages (root, with apt-get on PATH). */
export function canInstallPackages(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.getuid?.() === 0 && resolveProgram('apt-get', '/', env.PATH ?? '') !== null;
}
