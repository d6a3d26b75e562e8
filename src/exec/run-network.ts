import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { RepoRunnerError } from '../model/errors.js';
import { guardRuleset, hostLocalBlocks } from './netns-guard.js';
import { publishPort, type PublishedPort } from './port-publisher.js';
import { isProcessAlive } from './process-group.js';
import { hostsFileText, resolvConfText } from './run-hosts.js';

/**
 * The per-run network, as Compose gives each project its own: one network namespace per run
 * (`ip netns`), shared by all of the run's processes, so its services and databases talk
 * over the run's own 127.0.0.1 and a port hard-coded in an app never collides with another
 * run's.
 *
 * Why this mechanism: a named netns can be entered by every command of the run (installs,
 * databases, services) through one argv prefix and outlives any single process, which
 * bubblewrap's `--unshare-net` (one namespace per bwrap) does not. Outbound traffic goes
 * through Debian's `pasta` attached to it (user-mode TCP/UDP: no bridge, no NAT rules on the
 * host, no host routes to clean up), with its port forwarding both ways off (`-t/-u/-T/-U
 * none`, or pasta would map the host's loopback ports in) and `--no-map-gw`; an nftables
 * output chain inside the namespace rejects private, link-local and the host's own addresses
 * (see `netns-guard.ts`). Publishing is our own relay (`ns-relay.ts`) rather than pasta's
 * `-t`, because pasta's ports are fixed when it starts, it exists only with outbound on, and
 * a relay listening on 127.0.0.1 only is exactly `docker run -p 127.0.0.1:…`.
 */
export interface RunNetworkOptions {
  runId: string;
  /** The run's directory: `net/hosts` and `net/resolv.conf` are written under it. */
  runDir: string;
  /** Names that resolve to the run's own loopback: compose service names, `db`, `redis`… */
  hostNames: string[];
  /** Allow outbound traffic to public addresses (package registries) through pasta. */
  outbound: boolean;
  /** The resolver the run may ask (port 53 only); default {@link hostResolver}. */
  dns?: string;
  /** Where pid files and the relay socket live (root-only, short paths for sockets). */
  stateDir?: string;
}

/** A run's network namespace and what publishes into it; see {@link createRunNetwork}. */
export interface RunNetwork {
  /** The netns name, `rr-<run id>`. */
  readonly name: string;
  /** Argv prefix that runs a command inside it; also binds `hosts`/`resolv.conf` over /etc. */
  prefix(): string[];
  /** `localhost` on 127.0.0.1 and ::1, every host name on 127.0.0.1. */
  readonly hostsFile: string;
  /** A resolv.conf naming the one resolver the run may ask, when outbound is on; else null. */
  readonly resolvConf: string | null;
  /** The pids this network started (pasta, relay) that are still alive. */
  pids(): number[];
  /**
   * Forwards 127.0.0.1:`hostPort` on the host to 127.0.0.1:`nsPort` inside.
   * @throws the listen error when the host port is taken, or a RepoRunnerError when the relay cannot start.
   */
  publish(hostPort: number, nsPort: number): Promise<void>;
  /** Stops forwarding `hostPort` and cuts its open connections; no-op when not published. */
  unpublish(hostPort: number): Promise<void>;
  /** Stops forwarders and pasta, kills what is left in the namespace, deletes it; idempotent. */
  close(): Promise<void>;
}

/** Default parent of per-network state: root-owned tmpfs, gone after a reboot like netns. */
export const DEFAULT_STATE_DIR = '/run/repo-runner/net';

/** How long pasta and the relay get to come up: 10 000 ms. */
const START_TIMEOUT_MS = 10_000;

/** The netns name of a run: `rr-<run id>`, hashed when the id is not short and plain. */
export function runNetworkName(runId: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/.test(runId)) return `rr-${runId}`;
  return `rr-${createHash('sha256').update(runId).digest('hex').slice(0, 16)}`;
}

/** Runs a short admin command (ip, nft); rejects with its stderr. */
function sh(argv: string[], input?: string): Promise<string> {
  const [file = '', ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${argv.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The relay's entry and the node argv running it, from `src/` (tsx) or `dist/`. */
export function relayArgv(socketPath: string): string[] {
  const self = fileURLToPath(import.meta.url);
  const entry = path.join(path.dirname(self), `ns-relay${path.extname(self)}`);
  const loader = entry.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  return [process.execPath, ...loader, entry, socketPath];
}

/** Sends SIGTERM, then SIGKILL after `graceMs`, and waits until `pid` is gone. */
async function killPid(pid: number, graceMs = 1000): Promise<void> {
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
async function deleteNamespace(name: string): Promise<void> {
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
function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True when /proc says `pid` runs a command line mentioning `needle` (guards pid reuse). */
function cmdlineHas(pid: number, needle: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
  } catch {
    return false;
  }
}

/**
 * Removes what a crashed supervisor left of a run's network (pasta, the relay, processes
 * still inside, the namespace, `/etc/netns/<name>`, the state dir). Safe when nothing is left.
 */
export async function removeStaleRunNetwork(
  runId: string,
  stateDir = DEFAULT_STATE_DIR,
): Promise<void> {
  const name = runNetworkName(runId);
  const dir = path.join(stateDir, name);
  for (const file of ['relay.pid', 'pasta.pid']) {
    const pid = readPid(path.join(dir, file));
    if (pid !== null && cmdlineHas(pid, name)) await killPid(pid);
  }
  await deleteNamespace(name);
  rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The resolver a run's DNS goes to: the host's first `nameserver` that is not on its
 * loopback, else the upstream of systemd-resolved's 127.0.0.53 stub; null when there is none.
 * The run dials it directly through pasta (this pasta's `--dns-forward` mapping does not
 * forward here), and the guard opens port 53 of exactly this address.
 */
export function hostResolver(
  files = ['/etc/resolv.conf', '/run/systemd/resolve/resolv.conf'],
): string | null {
  for (const file of files) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const servers = [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1] ?? '');
    const usable = servers.find((a) => a !== '::1' && !a.startsWith('127.') && !a.includes('%'));
    if (usable) return usable;
  }
  return null;
}

/** Starts pasta in the foreground on `name`; resolves once its pid file says it is set up. */
async function startPasta(name: string, dir: string): Promise<ChildProcess> {
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
async function startRelay(name: string, dir: string): Promise<ChildProcess> {
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

/**
 * Creates the network of one run: the namespace with its loopback up and the guard rules
 * loaded, the hosts file (and resolv.conf), pasta when `outbound`, and the relay (started
 * without waiting; {@link RunNetwork.publish} waits for it). Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN).
 *
 * @throws RepoRunnerError `CONFLICT` when the run's namespace already exists (call
 *   {@link removeStaleRunNetwork} first), `INTERNAL` when ip, nft or pasta fail.
 * @example
 * const net = await createRunNetwork({ runId, runDir, hostNames: ['db', 'redis'], outbound: true });
 * spawn(net.prefix()[0], [...net.prefix().slice(1), 'redis-server', '--port', '6379']);
 * await net.publish(41234, 6379);
 * await net.close();
 */
export async function createRunNetwork(o: RunNetworkOptions): Promise<RunNetwork> {
  const name = runNetworkName(o.runId);
  if (existsSync(`/run/netns/${name}`)) {
    throw new RepoRunnerError(
      'CONFLICT',
      `network namespace ${name} already exists`,
      'stop or resume the run first',
    );
  }
  const dir = path.join(o.stateDir ?? DEFAULT_STATE_DIR, name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const netDir = path.join(o.runDir, 'net');
  mkdirSync(netDir, { recursive: true });
  const hostsFile = path.join(netDir, 'hosts');
  writeFileSync(hostsFile, hostsFileText(o.hostNames));
  const resolver = o.outbound ? (o.dns ?? hostResolver()) : null;
  const resolvConf = resolver ? path.join(netDir, 'resolv.conf') : null;
  if (resolvConf && resolver) writeFileSync(resolvConf, resolvConfText(resolver));

  let pasta: ChildProcess | null = null;
  let relay: ChildProcess | null = null;
  let relayStarting: Promise<ChildProcess> | null = null;
  const published = new Map<number, PublishedPort>();
  const socketPath = path.join(dir, 'relay.sock');
  let closing: Promise<void> | null = null;

  const close = () =>
    (closing ??= (async () => {
      await Promise.all([...published.values()].map((p) => p.close()));
      published.clear();
      const r = relay ?? (await relayStarting?.catch(() => null)) ?? null;
      if (r?.pid) await killPid(r.pid);
      if (pasta?.pid) await killPid(pasta.pid);
      await deleteNamespace(name);
      rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    })());

  try {
    await sh(['ip', 'netns', 'add', name]);
    await sh(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
    const rules = guardRuleset({
      resolver,
      extraBlocked: hostLocalBlocks(),
    });
    await sh(['ip', 'netns', 'exec', name, 'nft', '-f', '-'], rules);
    // `ip netns exec` binds /etc/netns/<name>/* over /etc, so even a command run with just
    // prefix() (no bubblewrap) sees the run's hosts and resolver.
    mkdirSync(`/etc/netns/${name}`, { recursive: true });
    writeFileSync(`/etc/netns/${name}/hosts`, readFileSync(hostsFile));
    if (resolvConf) writeFileSync(`/etc/netns/${name}/resolv.conf`, readFileSync(resolvConf));
    // The relay starts (tsx from src: ~0.5 s) while pasta comes up and the run installs.
    relayStarting = startRelay(name, dir);
    relayStarting.catch(() => undefined);
    if (o.outbound) pasta = await startPasta(name, dir);
  } catch (err) {
    await close();
    if (err instanceof RepoRunnerError) throw err;
    throw new RepoRunnerError(
      'INTERNAL',
      `could not create the run network ${name}: ${(err as Error).message}`,
      'the sandbox needs root, iproute2 and nftables; or run with --network host',
      { cause: err },
    );
  }

  const ensureRelay = async () => {
    if (relay) return;
    relayStarting ??= startRelay(name, dir);
    relay = await relayStarting;
  };

  return {
    name,
    hostsFile,
    resolvConf,
    prefix: () => ['ip', 'netns', 'exec', name],
    pids: () =>
      [pasta?.pid, readPid(path.join(dir, 'relay.pid'))].filter(
        (p): p is number => !!p && isProcessAlive(p),
      ),
    async publish(hostPort, nsPort) {
      if (closing) throw new RepoRunnerError('CONFLICT', `run network ${name} is closed`);
      if (published.has(hostPort))
        throw new RepoRunnerError('CONFLICT', `host port ${hostPort} is already published`);
      await ensureRelay();
      published.set(hostPort, await publishPort(socketPath, hostPort, nsPort));
    },
    async unpublish(hostPort) {
      const p = published.get(hostPort);
      published.delete(hostPort);
      await p?.close();
    },
    close,
  };
}
