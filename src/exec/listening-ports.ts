import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/*
 * Which TCP ports a service actually listens on, read from /proc (no `ss`, no root needed
 * for our own processes): the sockets in LISTEN state that the service's processes hold.
 * `/proc/<pid>/net/tcp` lists the sockets of the process's network namespace, so this
 * works the same for a service in its run's namespace and for one on the host.
 * Source of the formats: proc(5) (`/proc/net/tcp`: `local_address` is hex `IP:PORT`, `st`
 * 0A is LISTEN, `inode` the socket's inode) and `/proc/<pid>/fd` links `socket:[inode]`.
 */

/** TCP state LISTEN in `/proc/net/tcp` (include/net/tcp_states.h: TCP_LISTEN = 10). */
const TCP_LISTEN = '0A';

/** The pids of `root` and all its descendants, read from `/proc/<pid>/stat` (ppid field). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so split after the last `)`.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Socket inodes a process holds open (empty when it is gone or not ours to read). */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  return inodes;
}

/** LISTEN sockets of `pid`'s network namespace: socket inode → port. */
function listenTable(pid: number): Map<string, number> {
  const table = new Map<string, number>();
  for (const file of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== TCP_LISTEN) continue;
      const port = parseInt((f[1] ?? '').split(':').pop() ?? '', 16);
      if (Number.isInteger(port) && f[9]) table.set(f[9], port);
    }
  }
  return table;
}

/**
 * The TCP ports that `root` or any of its descendants listens on, ascending. Empty when the
 * process is gone. Cost: one pass over /proc (~2–5 ms with a few hundred processes).
 *
 * @example
 * listeningPortsOf(service.pid) // [8080]: the app ignored PORT and took its own
 */
export function listeningPortsOf(root: number): number[] {
  const ports = new Set<number>();
  let tables: Map<string, number> | null = null;
  for (const pid of processTree(root)) {
    const inodes = socketInodes(pid);
    if (inodes.size === 0) continue;
    tables ??= listenTable(pid);
    for (const inode of inodes) {
      const port = tables.get(inode);
      if (port !== undefined) ports.add(port);
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/**
 * Ports the web frameworks' defaults and the usual hard-coded choices use, in the order a
 * service listening on several is most likely to serve its app on (then the lowest).
 */
const USUAL_APP_PORTS = [8080, 3000, 8000, 5000, 80, 8081, 4000, 5173, 8888, 9000];

/**
 * The port to treat as a service's own when it does not listen on the one it was given:
 * among `ports` (what it listens on) minus `taken` (ports other services or the run's
 * databases hold), the first of the usual app ports, else the lowest. Null when none is left.
 */
export function pickAppPort(ports: number[], taken: Iterable<number> = []): number | null {
  const skip = new Set(taken);
  const left = ports.filter((p) => !skip.has(p));
  return USUAL_APP_PORTS.find((p) => left.includes(p)) ?? left[0] ?? null;
}
