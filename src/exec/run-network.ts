import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { RepoRunnerError } from '../model/errors.js';
import { guardRuleset, hostLocalBlocks } from './netns-guard.js';
import { publishPort, type PublishedPort } from './port-publisher.js';
import { isProcessAlive } from './process-group.js';
import {
  cmdlineHas,
  deleteNamespace,
  killPid,
  readPid,
  sh,
  startPasta,
  startRelay,
} from './netns-processes.js';
import { hostResolver, hostsFileText, resolvConfText } from './run-hosts.js';

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
 * a relay listening on 127.0.0.1 only is exactly `docker run -p 127.0.0.1:…`. Its socket
 * lives in a root-only dir under /run, not the run dir: the run can write its run dir, and a
 * socket path must fit in 108 bytes.
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
  /**
   * Take over the run's namespace when it already exists (its supervisor died: `resume`
   * adopting a live run): keep its rules, pasta and processes, start a new relay; the caller
   * publishes its ports again. Without it an existing namespace is a `CONFLICT`.
   */
  adopt?: boolean;
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
   * Resolves once the namespace exists with its loopback up and its guard rules loaded.
   * It is made in the background, so a command run with {@link prefix} awaits this first.
   * @throws RepoRunnerError `INTERNAL` when `ip` or `nft` failed (the network is then removed).
   */
  ready(): Promise<void>;
  /**
   * Resolves once outbound traffic works (the namespace ready, pasta attached; without
   * `outbound`, once ready). Pasta starts in the background so the run's first phases, which
   * reach nothing, do not wait for it; a command that needs the network awaits this first.
   * @throws RepoRunnerError `INTERNAL` when the namespace or pasta could not be made.
   */
  outbound(): Promise<void>;
  /**
   * Forwards 127.0.0.1:`hostPort` on the host to 127.0.0.1:`nsPort` inside.
   * @throws the listen error when the host port is taken, or a RepoRunnerError when the relay cannot start.
   */
  publish(hostPort: number, nsPort: number): Promise<void>;
  /** Stops forwarding `hostPort` and cuts its open connections; no-op when not published. */
  unpublish(hostPort: number): Promise<void>;
  /**
   * Forwards `hostPort` to another port inside (a service that ignored `PORT` and listens on
   * its own): unpublishes it, then publishes it again. No-op when it already points there.
   */
  repoint(hostPort: number, nsPort: number): Promise<void>;
  /** What is published: host port → port inside. */
  published(): Map<number, number>;
  /** Rewrites the hosts file (in place: mounts of it see the change) with these names. */
  setHostNames(hostNames: string[]): void;
  /** Stops forwarders and pasta, kills what is left in the namespace, deletes it; idempotent. */
  close(): Promise<void>;
  /**
   * Hands the network over to another process (a detached supervisor, which opens it with
   * `adopt`): waits until the adopter is ready to publish (or {@link RELEASE_WAIT_MS}), then
   * stops this process's listeners and relay, keeping the namespace, pasta, what runs inside
   * and the record of the published ports. This handle is closed after it.
   */
  release(): Promise<void>;
}

/**
 * How long {@link RunNetwork.release} keeps the ports published while waiting for the
 * adopting supervisor: 20 000 ms (it starts in about 1 s built, 5 s from the sources).
 */
export const RELEASE_WAIT_MS = 20_000;

/** How long {@link RunNetwork.release} waits for the adopter to listen on a released port, ms. */
const ADOPT_BIND_WAIT_MS = 10_000;

/** Resolves once 127.0.0.1:`port` accepts a connection, or after `timeoutMs`. */
async function waitForListener(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Default parent of per-network state: root-owned tmpfs, gone after a reboot like netns. */
export const DEFAULT_STATE_DIR = '/run/repo-runner/net';

/** The netns name of a run: `rr-<run id>`, hashed when the id is not short and plain. */
export function runNetworkName(runId: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/.test(runId)) return `rr-${runId}`;
  return `rr-${createHash('sha256').update(runId).digest('hex').slice(0, 16)}`;
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
 * Creates the network of one run: writes the hosts file (and resolv.conf) and returns at
 * once, while the namespace (loopback up, guard rules loaded), pasta when `outbound`, and the
 * relay are made in the background ({@link RunNetwork.ready}, {@link RunNetwork.outbound};
 * {@link RunNetwork.publish} waits for the relay). An adopted network is ready when this
 * returns. Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN).
 *
 * @throws RepoRunnerError `CONFLICT` when the run's namespace already exists (call
 *   {@link removeStaleRunNetwork} first), `INTERNAL` when adopting fails; a namespace that
 *   cannot be made rejects `ready()` and `outbound()` with `INTERNAL` instead.
 * @example
 * const net = await createRunNetwork({ runId, runDir, hostNames: ['db', 'redis'], outbound: true });
 * await net.ready();
 * spawn(net.prefix()[0], [...net.prefix().slice(1), 'redis-server', '--port', '6379']);
 * await net.publish(41234, 6379);
 * await net.close();
 */
export async function createRunNetwork(o: RunNetworkOptions): Promise<RunNetwork> {
  const name = runNetworkName(o.runId);
  const adopting = existsSync(`/run/netns/${name}`);
  if (adopting && !o.adopt) {
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

  let pasta: number | null = null;
  let pastaStarting: Promise<void> = Promise.resolve();
  let relay: ChildProcess | null = null;
  let relayStarting: Promise<ChildProcess> | null = null;
  const published = new Map<number, PublishedPort>();
  const socketPath = path.join(dir, 'relay.sock');
  // What is published, kept where only root can write (not the run dir, which the run can),
  // so a supervisor adopting the network publishes the same ports again.
  const portsFile = path.join(dir, 'published.json');
  // Written by a process adopting the network once it is ready to publish (see release()).
  const adoptMarker = path.join(dir, 'adopting');
  const savePorts = () => {
    try {
      writeFileSync(
        portsFile,
        JSON.stringify([...published.values()].map((p) => [p.hostPort, p.nsPort])),
      );
    } catch {
      // The network was removed from outside (removeStaleRunNetwork): nothing to keep.
    }
  };
  const savedPorts = (): Array<[number, number]> => {
    try {
      return (JSON.parse(readFileSync(portsFile, 'utf8')) as Array<[number, number]>).filter(
        (e) => Array.isArray(e) && e.every((n) => Number.isInteger(n) && n > 0 && n < 65536),
      );
    } catch {
      return [];
    }
  };
  let closing: Promise<void> | null = null;

  /** Removes everything made so far; does not wait for {@link setup}. */
  const teardown = async () => {
    await Promise.all([...published.values()].map((p) => p.close()));
    published.clear();
    const r = relay ?? (await relayStarting?.catch(() => null)) ?? null;
    if (r?.pid) await killPid(r.pid);
    await pastaStarting.catch(() => undefined);
    if (pasta) await killPid(pasta);
    await deleteNamespace(name);
    rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  };

  // The namespace, its rules and /etc/netns files (about 60 ms of `ip` and `nft`) are made
  // in the background like pasta: the run's first phases (env, fetch, detect, plan) run no
  // command inside it, and everything that does awaits ready() or outbound() first.
  const setup = (async () => {
    try {
      const rules = guardRuleset({
        resolver,
        extraBlocked: hostLocalBlocks(),
      });
      // One shell for the three commands: each spawn from this (large) process blocks its
      // event loop for a few ms while it forks, on the way to healthy.
      const steps = [
        ...(adopting ? [] : ['ip netns add "$1"']),
        'ip -n "$1" link set lo up',
        'ip netns exec "$1" nft -f -',
      ];
      await sh(['sh', '-c', steps.join(' && '), 'sh', name], rules);
      // `ip netns exec` binds /etc/netns/<name>/* over /etc, so even a command run with just
      // prefix() (no bubblewrap) sees the run's hosts and resolver.
      mkdirSync(`/etc/netns/${name}`, { recursive: true });
      writeFileSync(`/etc/netns/${name}/hosts`, readFileSync(hostsFile));
      if (resolvConf) writeFileSync(`/etc/netns/${name}/resolv.conf`, readFileSync(resolvConf));
      // The relay starts (tsx from src: ~0.5 s) while pasta comes up and the run installs.
      // An adopted network's old relay is left to its owner (it exits with it): the new one
      // takes over the socket path, so the old owner's listeners already reach it.
      relayStarting = startRelay(name, dir);
      relayStarting.catch(() => undefined);
      // An adopted network keeps its pasta (it outlives the supervisor that started it).
      const alive = readPid(path.join(dir, 'pasta.pid'));
      if (alive !== null && isProcessAlive(alive) && cmdlineHas(alive, name)) pasta = alive;
      if (o.outbound && pasta === null) {
        // Not awaited here (about 60 ms): see outbound().
        pastaStarting = startPasta(name, dir).then((child) => {
          pasta = child.pid ?? null;
        });
        pastaStarting.catch(() => undefined);
      }
    } catch (err) {
      // A failed adoption must not take the live run's network down with it.
      if (adopting) {
        const r = await relayStarting?.catch(() => null);
        if (r?.pid) await killPid(r.pid);
      } else await (closing ??= teardown());
      if (err instanceof RepoRunnerError) throw err;
      throw new RepoRunnerError(
        'INTERNAL',
        `could not create the run network ${name}: ${(err as Error).message}`,
        'the sandbox needs root, iproute2 and nftables; or run with --network host',
        { cause: err },
      );
    }
  })();
  setup.catch(() => undefined);
  const close = () =>
    (closing ??= (async () => {
      await setup.catch(() => undefined);
      await teardown();
    })());
  // Adopting a live run's network happens off the path to healthy: finish it here.
  if (adopting) await setup;

  const ensureRelay = async () => {
    await setup;
    if (relay && relay.exitCode === null && relay.signalCode === null) return;
    if (relay) relayStarting = null; // it died: start another
    relayStarting ??= startRelay(name, dir);
    relay = await relayStarting;
  };

  const publish = async (hostPort: number, nsPort: number) => {
    if (closing) throw new RepoRunnerError('CONFLICT', `run network ${name} is closed`);
    if (published.has(hostPort))
      throw new RepoRunnerError('CONFLICT', `host port ${hostPort} is already published`);
    await ensureRelay();
    published.set(hostPort, await publishPort(socketPath, hostPort, nsPort));
    savePorts();
  };
  const unpublish = async (hostPort: number) => {
    const p = published.get(hostPort);
    published.delete(hostPort);
    savePorts();
    await p?.close();
  };
  if (adopting) {
    // Tell a live previous owner (the CLI or server that ran the pipeline, in `release()`)
    // to let go, then publish what it had published; a dead one's listeners are gone.
    await ensureRelay();
    writeFileSync(adoptMarker, String(process.pid));
    for (const [hostPort, nsPort] of savedPorts()) {
      // Retry while the previous owner lets go of its listener, for up to 10 s.
      for (let tries = 0; tries < 400; tries++) {
        try {
          await publish(hostPort, nsPort);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
          await new Promise((r) => setTimeout(r, 25));
        }
      }
    }
    rmSync(adoptMarker, { force: true });
  }

  return {
    name,
    hostsFile,
    resolvConf,
    prefix: () => ['ip', 'netns', 'exec', name],
    pids: () =>
      [pasta, readPid(path.join(dir, 'relay.pid'))].filter(
        (p): p is number => !!p && isProcessAlive(p),
      ),
    ready: () => setup,
    outbound: () => setup.then(() => pastaStarting),
    publish,
    unpublish,
    async repoint(hostPort, nsPort) {
      if (published.get(hostPort)?.nsPort === nsPort) return;
      await unpublish(hostPort);
      await publish(hostPort, nsPort);
    },
    published: () => new Map([...published.values()].map((p) => [p.hostPort, p.nsPort])),
    setHostNames(hostNames) {
      const text = hostsFileText(hostNames);
      // Same inodes: bubblewrap's bind of the file and `ip netns exec`'s see the new names.
      writeFileSync(hostsFile, text);
      if (existsSync(`/etc/netns/${name}`)) writeFileSync(`/etc/netns/${name}/hosts`, text);
    },
    close,
    release: () =>
      (closing ??= (async () => {
        // Keep serving until the adopter is ready to publish (at most RELEASE_WAIT_MS).
        const deadline = Date.now() + RELEASE_WAIT_MS;
        while (!existsSync(adoptMarker) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        const adopted = existsSync(adoptMarker);
        const ports = [...published.keys()];
        await Promise.all([...published.values()].map((p) => p.close()));
        published.clear();
        const r = relay ?? (await relayStarting?.catch(() => null)) ?? null;
        if (r?.pid) await killPid(r.pid);
        // The adopter binds each port once ours is closed: return only when it answers, so
        // whoever was told the URL (`run --detach` prints it) never meets a refused connection.
        if (adopted)
          await Promise.all(ports.map((port) => waitForListener(port, ADOPT_BIND_WAIT_MS)));
      })()),
  };
}
