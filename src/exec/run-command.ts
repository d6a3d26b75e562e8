import { MAX_CAPTURE_BYTES } from './process-result.js';
import type { ProcessResult } from '../model/process-result.js';

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  cwd: string;
  /** Full environment of the child (not merged with process.env unless you pass it). */
  env?: NodeJS.ProcessEnv;
  /** Kill the command's process group after this many milliseconds. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with every chunk of output as it arrives (for log files and live events). */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Called once the process has started, with its pid (for orphan tracking). */
  onSpawn?: (pid: number) => void;
  /** Text written to stdin; stdin is closed either way. */
  input?: string;
}

function keepTail(text: string): string {
  return text.length > MAX_CAPTURE_BYTES ? text.slice(-MAX_CAPTURE_BYTES) : text;
}

/**
 * Runs `argv` to completion in its own process group and returns a {@link ProcessResult};
 * it never throws for a failing command. On timeout or abort the whole group gets SIGTERM,
 * then SIGKILL after 3 s, so no grandchild survives.
 */
export async function runCommand(
  argv: string[],
  options: RunCommandOptions,
): Promise<ProcessResult> {
  const [file, ...args] = argv;
  const started = Date.now();
  const command = argv.join(' ');
  if (!file) throw new Error('runCommand: empty argv');
  let stdout = '';
  let stderr = '';
  // Imported on first use: execa costs ~150 ms to load, and warm runs may spawn nothing.
  const { execa } = await import('execa');
  const child = execa(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    extendEnv: options.env === undefined,
    detached: true,
    reject: false,
    stripFinalNewline: false,
    buffer: false,
    input: options.input ?? '',
    cleanup: true,
  });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  const pid = child.pid;
  const killGroup = (sig: NodeJS.Signals) => {
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
    } catch {
      /* already gone */
    }
  };
  // The leader's exit ends the command. What it left in its group may hold our pipes open,
  // and `await child` waits for the pipes: kill the leftovers now, not when they finish.
  child.once('exit', () => killGroup('SIGKILL'));
  let timedOut = false;
  let aborted = false;
  let hardKill: NodeJS.Timeout | undefined;
  const stop = () => {
    killGroup('SIGTERM');
    hardKill = setTimeout(() => killGroup('SIGKILL'), 3000);
    hardKill.unref();
  };
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeoutMs);
  const onAbort = () => {
    aborted = true;
    stop();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    stdout = keepTail(stdout + chunk);
    options.onOutput?.(chunk, 'stdout');
  });
  child.stderr?.on('data', (chunk: string) => {
    stderr = keepTail(stderr + chunk);
    options.onOutput?.(chunk, 'stderr');
  });
  const result = await child;
  if (timer) clearTimeout(timer);
  if (hardKill) clearTimeout(hardKill);
  options.signal?.removeEventListener('abort', onAbort);
  // The leader exited; make sure nothing it left in its group lives on.
  killGroup('SIGKILL');
  const spawnError =
    result.exitCode === undefined && result.signal === undefined
      ? (result.originalMessage ?? result.shortMessage ?? 'could not start')
      : null;
  return {
    command,
    cwd: options.cwd,
    failed: timedOut || aborted || spawnError !== null || result.exitCode !== 0,
    timedOut,
    aborted,
    exitCode: result.exitCode ?? null,
    signal: result.signal ?? null,
    durationMs: Date.now() - started,
    stdout,
    stderr,
    spawnError,
  };
}
