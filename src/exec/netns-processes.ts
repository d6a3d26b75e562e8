import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RepoRunnerError } from '../model/errors.js';
import { isProcessAlive } from './process-group.js';

/*
 * The processes behind a run network (pasta, the relay, the admin commands) and how they
 * are started, found again after a crash, and stopped.
 */

/** How long pasta and the relay get to come up: 10 000 ms. */
const START_TIMEOUT_MS = 10_000;

/** Runs a short admin command (ip, nft); rejects with its stderr. */
export function sh(argv: string[], input?: string): Promise<string> {
  const [file = '', ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${argv.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The relay's entry and the node argv running it, from `src/` (tsx) or `dist/`. */
export function relayArgv(socketPath: string): string[] {
  const self = fileURLToPath(import.meta.url);
  const entry = path.join(path.dirname(self), `ns-relay${path.extname(self)}`);
  const loader = entry.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  return [process.execPath, ...loader, entry, socketPath];
}

/** Sends SIGTERM, then SIGKILL after `graceMs`, and waits until `pid` is gone. */
export async function killPid(pid: number, graceMs = 1000): Promise<void> {
  if (!isProcessAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isProcessAlive(pid) && Date.now() < deadline) await sleep(20);
  if (!isProcessAlive(pid)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  for (let i = 0; i < 100 && isProcessAlive(pid); i++) await sleep(20);
}

/** Kills every process still inside the namespace (the run's leftovers) and deletes it. */
export async function deleteNamespace(name: string): Promise<void> {
  if (!existsSync(`/run/netns/${name}`)) return;
  const left = await sh(['ip', 'netns', 'pids', name]).catch(() => '');
  for (const pid of left.split(/\s+/).filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  await sh(['ip', 'netns', 'del', name]).catch(() => undefined);
}

/** Reads a pid file, or null. */
export function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True when /proc says `pid` runs a command line mentioning `needle` (guards pid reuse). */
export function cmdlineHas(pid: number, needle: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
  } catch {
    return false;
  }
}

/** Starts pasta in the foreground on `name`; resolves once its pid file says it is set up. */
export async function startPasta(name: string, dir: string): Promise<ChildProcess> {
  const pidFile = path.join(dir, 'pasta.pid');
  // --runas 0: as `nobody` this pasta cannot enter the named netns ("Couldn't switch to
  // pasta namespaces"); it still drops every capability but NET_BIND_SERVICE and SYS_ADMIN.
  const args = ['--config-net', '--quiet', '--foreground', '--runas', '0'];
  args.push('--netns', `/run/netns/${name}`, '--no-map-gw');
  args.push('-t', 'none', '-u', 'none', '-T', 'none', '-U', 'none');
  args.push('--pid', pidFile);
  const child = spawn('pasta', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (readPid(pidFile) === null) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new RepoRunnerError(
        'INTERNAL',
        `pasta did not attach to ${name}: ${stderr.trim()}`,
        "install Debian's passt package, or run with --network host",
      );
    }
    await sleep(10);
  }
  child.stderr?.destroy();
  child.unref();
  return child;
}

/** Starts the relay inside `name`; resolves once it printed `ready`. */
export async function startRelay(name: string, dir: string): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', name, ...relayArgv(path.join(dir, 'relay.sock'))], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // `ip netns exec` execs node in place: this pid is the relay's.
  if (child.pid) writeFileSync(path.join(dir, 'relay.pid'), String(child.pid));
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail('timed out'), START_TIMEOUT_MS);
    function fail(why: string) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(
        new RepoRunnerError(
          'INTERNAL',
          `the port relay of ${name} did not start (${why}): ${err.trim()}`,
        ),
      );
    }
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => fail(`exit ${code}`));
    child.once('error', (e) => fail(e.message));
  });
  child.removeAllListeners('exit');
  return child;
}
