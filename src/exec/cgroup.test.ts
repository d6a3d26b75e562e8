import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cgroupMounts } from './cgroup-mounts.js';
import { createV2Group, openV2Group, sharesToWeight } from './cgroup-v2.js';
import { createRunCgroup, openRunCgroup, type RunCgroup, type RunLimits } from './cgroup.js';
import { liveProcesses, needCgroups, testRunId } from './cgroup.test-kit.js';

const LIMITS: RunLimits = {
  memoryBytes: 100 * 1024 * 1024,
  pids: 64,
  cpuShares: 512,
  diskBytes: 1024 * 1024 * 1024,
  logBytes: 1024 * 1024,
  stepTimeoutMs: 60_000,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

/** Polls `check` every 20 ms until it is true or `ms` pass (the outer bound of each wait). */
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(20);
  }
  return check();
}

describe('cgroup mounts', () => {
  it('reads a hybrid v1 machine as v1 and a unified one as v2', () => {
    const hybrid = [
      'cgroup /sys/fs/cgroup/pids cgroup rw,relatime,pids 0 0',
      'cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,relatime,cpu,cpuacct 0 0',
      'cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0',
    ].join('\n');
    const m = cgroupMounts(hybrid);
    assert.equal(m.v2, null);
    assert.equal(m.v1.pids, '/sys/fs/cgroup/pids');
    assert.equal(m.v1.cpu, '/sys/fs/cgroup/cpu,cpuacct');
    assert.equal(m.v1.cpuacct, '/sys/fs/cgroup/cpu,cpuacct');
    assert.equal(m.v1.memory, undefined);
    assert.equal(cgroupMounts('cgroup2 /sys/fs/cgroup cgroup2 rw 0 0').v2, '/sys/fs/cgroup');
  });

  it('maps v1 shares to v2 weights as the kernel maps back', () => {
    assert.equal(sharesToWeight(1024), 100);
    assert.equal(sharesToWeight(256), 25);
    assert.equal(sharesToWeight(2), 1);
    assert.equal(sharesToWeight(10_000_000), 10_000);
  });

  it('refuses a run id that is not a plain directory name', async () => {
    await assert.rejects(createRunCgroup('../escape', LIMITS), /not a safe run id/);
    assert.equal(openRunCgroup('a/b'), null);
    assert.equal(openRunCgroup('..'), null);
  });
});

describe('cgroup v2 backend, against a fake tree (this machine has no v2 controllers)', () => {
  // The kernel is not here: this checks which files get which values, not that the kernel
  // accepts them.
  const root = mkdtempSync(path.join(os.tmpdir(), 'rr-cg2-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes the limits, delegates controllers, and reads the events', () => {
    const mounts = { v1: {}, v2: root, v2Controllers: ['memory', 'pids', 'cpu'] };
    const dir = path.join(root, 'repo-runner', 'r1');
    mkdirSync(dir, { recursive: true });
    for (const f of ['memory.swap.max', 'cpu.weight', 'cgroup.procs'])
      writeFileSync(path.join(dir, f), '');
    writeFileSync(path.join(root, 'repo-runner', 'cpu.weight'), '');
    const g = createV2Group(mounts, 'r1', LIMITS);
    const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
    assert.equal(read('memory.max'), String(100 * 1024 * 1024));
    assert.equal(read('memory.swap.max'), '0');
    assert.equal(read('pids.max'), '64');
    assert.equal(read('cpu.weight'), '50');
    assert.equal(readFileSync(path.join(root, 'repo-runner', 'cpu.weight'), 'utf8'), '13');
    assert.ok(existsSync(path.join(root, 'cgroup.subtree_control')));
    assert.equal(g.version, 2);
    assert.match(g.prefix()[2] ?? '', new RegExp(`${dir}/cgroup.procs`));
    writeFileSync(path.join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n');
    writeFileSync(path.join(dir, 'pids.events'), 'max 2\n');
    assert.deepEqual(g.limitEvents(), { oomKills: 1, forksRefused: 2 });
    assert.equal(g.limitHit(), 'oom-killed');
    assert.equal(openV2Group(mounts, 'r1')?.path, 'repo-runner/r1');
    assert.equal(openV2Group(mounts, 'r2'), null);
  });
});

describe('run cgroup (v1 on this machine)', { timeout: 120_000 }, () => {
  const groups: RunCgroup[] = [];
  after(async () => {
    for (const g of groups) await g.remove().catch(() => undefined);
  });

  /** A group for one test, removed in `after` whatever happens. */
  async function group(label: string, limits: Partial<RunLimits> = {}): Promise<RunCgroup> {
    const g = await createRunCgroup(testRunId(label), { ...LIMITS, ...limits });
    assert.ok(g, 'cgroups are available but no group was made');
    groups.push(g);
    return g;
  }

  /** Starts `argv` inside `g` through its prefix. */
  function start(g: RunCgroup, argv: string[]): ChildProcess {
    const [sh, ...rest] = g.prefix();
    return spawn(sh ?? 'sh', [...rest, ...argv], { stdio: 'ignore' });
  }

  it('puts a process in the group through the prefix; remove() leaves no directory', async (t) => {
    if (!needCgroups(t)) return;
    const id = testRunId('basic');
    const g = await createRunCgroup(id, LIMITS);
    assert.ok(g);
    groups.push(g);
    const child = start(g, ['sleep', '30']);
    assert.ok(await until(() => g.pids().includes(child.pid ?? -1), 5000), 'child not in group');
    assert.equal(g.usage().pids, 1);
    assert.ok(g.usage().memoryBytes > 0);
    assert.equal(g.limitHit(), null);
    // Another process (stop, resume) finds the same group by run id.
    assert.deepEqual(openRunCgroup(id)?.pids(), [child.pid]);
    const code = exited(child);
    assert.equal(await g.remove(), undefined);
    assert.equal((await code).signal, 'SIGKILL');
    for (const c of ['pids', 'memory', 'cpu', 'freezer'])
      assert.equal(existsSync(`/sys/fs/cgroup/${c}/${g.path}`), false, c);
    assert.equal(openRunCgroup(id), null);
    await g.remove(); // idempotent
  });

  it('the shim refuses to run the program when it cannot join (exit 125)', async (t) => {
    if (!needCgroups(t)) return;
    const g = await group('gone');
    await g.remove();
    const child = start(g, ['sh', '-c', 'exit 0']);
    assert.equal((await exited(child)).code, 125);
  });

  it('holds a bounded fork bomb at the pids limit and reports pids-limit', async (t) => {
    if (!needCgroups(t)) return;
    const g = await group('forkbomb', { pids: 20 });
    const mark = g.limitEvents();
    assert.deepEqual(mark, { oomKills: 0, forksRefused: 0 });
    // 200 sleeps at most, so even without a limit it cannot run away.
    const bomb = start(g, [
      'sh',
      '-c',
      'i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i+1)); done; wait',
    ]);
    let most = 0;
    const hit = await until(() => {
      most = Math.max(most, g.usage().pids);
      return g.limitHit() === 'pids-limit';
    }, 10_000);
    assert.ok(hit, `limitHit() is ${g.limitHit()}`);
    await sleep(300);
    most = Math.max(most, g.usage().pids);
    t.diagnostic(`most processes seen: ${most} (limit 20)`);
    assert.equal(g.limitHitSince(mark), 'pids-limit');
    assert.equal(g.limitHitSince(g.limitEvents()), null, 'a later step is not blamed');
    assert.ok(most <= 20 && most >= 15, `most ${most}`);
    const before = g.pids();
    const killed = await g.killAll();
    assert.ok(killed >= before.length - 1, `killed ${killed} of ${before.length}`);
    assert.deepEqual(liveProcesses(before), []);
    bomb.unref();
  });

  it('kills a 300 MB memory hog inside a 100 MB group, and only it', async (t) => {
    if (!needCgroups(t)) return;
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => {
      server.closeAllConnections();
      server.close();
    });
    const port = (server.address() as { port: number }).port;
    const g = await group('memhog', { memoryBytes: 100 * 1024 * 1024 });
    const hog = start(g, [
      process.execPath,
      '-e',
      'const b = Buffer.alloc(300 * 1024 * 1024, 1); setTimeout(() => console.log(b.length), 5000)',
    ]);
    // The outer bound: 30 s, on an unref'd timer so it does not hold the test process open.
    const bound = new Promise<null>((r) => setTimeout(() => r(null), 30_000).unref());
    const end = await Promise.race([exited(hog), bound]);
    assert.ok(end, 'the hog was not stopped within 30 s');
    assert.ok(end.signal === 'SIGKILL' || end.code === 137, JSON.stringify(end));
    assert.equal(g.limitHit(), 'oom-killed');
    const answer = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    assert.equal(answer, 'ok', 'this process still answers after the OOM kill');
  });

  it('kills setsid and double-forked grandchildren within 10 s, counted from /proc', async (t) => {
    if (!needCgroups(t)) return;
    const g = await group('daemons');
    const parent = start(g, [
      'sh',
      '-c',
      // a new session; a double fork (reparented); a new session that double-forks again
      'setsid sleep 300 & (sleep 300 &) ; setsid sh -c "(sleep 300 &); sleep 300" & exec sleep 300',
    ]);
    assert.ok(await until(() => g.pids().length >= 5, 5000), `members ${g.pids().join(',')}`);
    const members = g.pids();
    const sessions = new Set(members.map(sessionOf));
    assert.ok(sessions.size >= 3, `sessions ${[...sessions].join(',')}`);
    const started = Date.now();
    const killed = await g.killAll();
    const ms = Date.now() - started;
    t.diagnostic(`killAll: ${killed} processes in ${ms} ms`);
    assert.ok(ms < 10_000);
    assert.equal(killed, members.length);
    assert.deepEqual(liveProcesses(members), []);
    assert.deepEqual(g.pids(), []);
    parent.unref();
  });
});

/** The session id of a process (field 6 of /proc/<pid>/stat), or -1 when it is gone. */
function sessionOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
  } catch {
    return -1;
  }
}
