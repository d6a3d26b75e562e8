import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessResult } from '../model/process-result.js';
import type { RunContext } from '../model/run-context.js';
import { confineCommand, type SandboxCommand } from './sandbox.js';
import { toolsRoot } from './provisioned-tools.js';

/** Repo Runner's own install (`src/exec/` or `dist/exec/` is two levels below it). */
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Confines one of the run's commands (an install, build, migration or fix step, a service)
 * to the run's sandbox: `ctx.options.sandbox` says how, the run dir, the repository and
 * `ctx.isolation` say what it sees. Every process a run starts from the repository's code
 * goes through here.
 *
 * @returns the command to spawn instead, or null when the program does not exist (the
 *   caller reports a spawn ENOENT: see {@link spawnNotFound}).
 */
export function confine(ctx: RunContext, cmd: SandboxCommand): SandboxCommand | null {
  return confineCommand(
    ctx.options.sandbox,
    {
      runDir: ctx.runDir,
      repoPath: ctx.state.workspace?.repoPath ?? null,
      buildRoot: ctx.state.workspace?.buildRoot ?? null,
      dataDir: ctx.home,
      operatorHome: os.homedir(),
      cacheDir: ctx.isolation?.cacheDir ?? null,
      hostsFile: ctx.isolation?.hostsFile ?? null,
      resolvConf: ctx.isolation?.resolvConf ?? null,
      prefix: ctx.isolation?.prefix ?? [],
      uid: ctx.isolation?.uid ?? null,
      readOnly: [PACKAGE_ROOT],
      tools: [toolsRoot(ctx.home)],
    },
    cmd,
  );
}

/** The result of a command whose program was not found, as an unconfined spawn reports it. */
export function spawnNotFound(argv: string[], cwd: string): ProcessResult {
  const program = argv[0] ?? '';
  return {
    command: argv.join(' '),
    cwd,
    failed: true,
    timedOut: false,
    aborted: false,
    exitCode: null,
    signal: null,
    durationMs: 0,
    stdout: '',
    stderr: '',
    spawnError: `spawn ${program} ENOENT`,
  };
}

/** An `Error` like the one `child_process.spawn` emits for a missing program (code ENOENT). */
export function enoent(program: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`spawn ${program} ENOENT`), {
    code: 'ENOENT',
    path: path.basename(program),
  });
}
