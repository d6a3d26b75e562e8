import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { runLimitsFor } from '../src/auth/tier-limits.js';
import { createRunCgroup, type RunCgroup, type RunLimits } from '../src/exec/cgroup.js';
import { needCgroups, testRunId } from '../src/exec/cgroup.test-kit.js';
import { dirSize, MAX_WALK_ENTRIES, watchDiskQuota } from '../src/exec/disk-quota.js';
import { capLogFile } from '../src/exec/log-rotation.js';
import { spawnServiceProcess } from '../src/exec/process-group.js';
import { runCommand } from '../src/exec/run-command.js';
import { classifyFailure } from '../src/fixer/classify.js';
import { nextStepFor } from '../src/fixer/next-step.js';
import { tempDir } from './helpers.js';
import { setUpIsolation } from '../src/core/isolation.js';
import { createRunContext } from '../src/core/run-context.js';
import { stopRunProcesses } from '../src/core/run-control.js';
import { runStep } from '../src/exec/run-step.js';
import { StepFailedError } from '../src/model/errors.js';
import { openSqliteStore } from '../src/store/sqlite.js';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The run limits of item 5 of issue #11 against real cgroups: a free user's run gets its
 * tier's limits from the kernel, and each limit it hits ends in its classified failure with
 * nothing left running. Every hostile program is bounded on its own (a counter, a byte
 * count), so a broken limit cannot take the machine down; every wait has an outer bound.
 */
describe('run limits by tier, enforced', { timeout: 180_000 }, () => {
  const tmp = tempDir('limits');
  const groups: RunCgroup[] = [];
  after(async () => {
    for (const g of groups) await g.remove().catch(() => undefined);
    tmp.cleanup();
  });

  /** A stand-in for the API in this process: answers `ok`; closed after the test. */
  async function answeringServer(t: TestContext): Promise<string> {
    const server = createServer((_q, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => {
      server.closeAllConnections();
      server.close();
    });
    return `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  }

  async function freeRun(t: TestContext, label: string, over: Partial<RunLimits> = {}) {
    const limits = runLimitsFor('free', over);
    const g = await createRunCgroup(testRunId(label), limits);
    assert.ok(g, 'cgroups are available but no group was made');
    groups.push(g);
    t.after(() => g.remove());
    return { g, limits };
  }

  it("gives a free user's run the free tier's limits, as the kernel reads them", async (t) => {
    if (!needCgroups(t)) return;
    const { g, limits } = await freeRun(t, 'free');
    const v1 = (c: string, f: string) =>
      Number(readFileSync(`/sys/fs/cgroup/${c}/${g.path}/${f}`, 'utf8'));
    assert.equal(v1('memory', 'memory.limit_in_bytes'), 512 * MiB);
    assert.equal(v1('memory', 'memory.memsw.limit_in_bytes'), limits.memoryBytes);
    assert.equal(v1('pids', 'pids.max'), 256);
    assert.equal(v1('cpu', 'cpu.shares'), 256);
    assert.equal(v1('cpu', '../cpu.shares'), 128, 'all runs together weigh 128');
  });

  it('holds a bounded fork bomb at the pids limit: a pids-limit failure', async (t) => {
    if (!needCgroups(t)) return;
    const { g } = await freeRun(t, 'bomb');
    const mark = g.limitEvents();
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, g.usage().pids)), 10);
    // 400 sleeps at most: past the limit of 256, and harmless if the limit failed. Each in
    // its own session, out of reach of runCommand's process-group kill: only the cgroup
    // finds them.
    const result = await runCommand(
      [
        ...g.prefix(),
        'sh',
        '-c',
        'i=0; while [ $i -lt 400 ]; do setsid sleep 20 >/dev/null 2>&1 & i=$((i+1)); done; wait',
      ],
      { cwd: tmp.dir, timeoutMs: 30_000 },
    );
    clearInterval(watch);
    most = Math.max(most, g.usage().pids);
    t.diagnostic(`fork bomb: at most ${most} processes (limit 256), exit ${result.exitCode}`);
    assert.equal(result.failed, true);
    assert.ok(most <= 256 && most >= 200, `most ${most}`);
    const limitHit = g.limitHitSince(mark);
    assert.equal(limitHit, 'pids-limit');
    const sig = classifyFailure({ phase: 'build', result: { ...result, limitHit } });
    assert.equal(sig.class, 'pids-limit');
    assert.match(nextStepFor(sig.class, sig.details), /larger tier/);
    // How many sleeps finished their setsid before the shell gave up at the limit (and its
    // group was killed) depends on scheduling, and some children still exiting from a failed
    // fork leave by themselves: the ones in their own sessions, out of reach of any
    // process-group kill, are still in the group and must die with it.
    assert.ok(g.pids().length > 0, 'sleeps outlived their shell, in their own sessions');
    const killed = await g.killAll();
    assert.ok(killed > 0, `killed ${killed}`);
    assert.deepEqual(g.pids(), []);
  });

  it('kills a 1 GiB memory hog in its 512 MiB group while this process keeps answering', async (t) => {
    if (!needCgroups(t)) return;
    const url = await answeringServer(t);
    const { g } = await freeRun(t, 'hog');
    const mark = g.limitEvents();
    const answers: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const started = performance.now();
        assert.equal(await fetch(url).then((r) => r.text()), 'ok');
        answers.push(performance.now() - started);
        await sleep(20);
      }
    })();
    const result = await runCommand(
      [
        ...g.prefix(),
        process.execPath,
        '-e',
        'const b = []; for (let i = 0; i < 64; i++) b.push(Buffer.alloc(16 * 1024 * 1024, 1));',
      ],
      { cwd: tmp.dir, timeoutMs: 30_000 },
    );
    probing = false;
    await probe;
    const worst = Math.max(...answers);
    t.diagnostic(
      `hog ${result.signal ?? result.exitCode} after ${result.durationMs} ms; ` +
        `${answers.length} answers meanwhile, slowest ${worst.toFixed(1)} ms`,
    );
    assert.equal(result.signal, 'SIGKILL');
    assert.equal(result.timedOut, false);
    assert.ok(answers.length > 0 && worst < 1000, `slowest answer ${worst} ms`);
    const limitHit = g.limitHitSince(mark);
    assert.equal(limitHit, 'oom-killed');
    const sig = classifyFailure({ phase: 'dependencies', result: { ...result, limitHit } });
    assert.equal(sig.class, 'oom-killed');
  });

  it('stops a disk filler at the quota of its run dir: a disk-quota failure', async (t) => {
    if (!needCgroups(t)) return;
    const runDir = path.join(tmp.dir, 'filler');
    const quota = 8 * MiB;
    const { g } = await freeRun(t, 'disk', { diskBytes: quota });
    let stoppedAt = 0;
    const watch = watchDiskQuota(
      runDir,
      quota,
      (size) => {
        stoppedAt = size.bytes;
        void g.killAll();
      },
      50,
    );
    t.after(() => watch.stop());
    // 1 MiB every 20 ms, 64 MiB at most.
    const result = await runCommand(
      [
        ...g.prefix(),
        process.execPath,
        '-e',
        `const fs = require('fs'); fs.mkdirSync('filler', { recursive: true }); let i = 0;
         const t = setInterval(() => { fs.writeFileSync('filler/' + i, Buffer.alloc(${MiB}, 1));
           if (++i === 64) clearInterval(t); }, 20);`,
      ],
      { cwd: tmp.dir, timeoutMs: 30_000 },
    );
    watch.stop();
    const final = await dirSize(runDir);
    t.diagnostic(
      `disk filler stopped at ${(stoppedAt / MiB).toFixed(1)} MiB seen, ` +
        `${(final.bytes / MiB).toFixed(1)} MiB kept (quota 8 MiB, 64 MiB without it)`,
    );
    assert.equal(result.signal, 'SIGKILL');
    assert.ok(stoppedAt > quota);
    assert.ok(final.bytes < 16 * MiB, `kept ${final.bytes}`);
    const sig = classifyFailure({ phase: 'build', result: { ...result, limitHit: 'disk-quota' } });
    assert.equal(sig.class, 'disk-quota');
    assert.deepEqual(g.pids(), []);
  });

  it("holds a CPU hog to its tier's share: this process's HTTP latency stays within 20 %", async (t) => {
    if (!needCgroups(t)) return;
    const url = await answeringServer(t);
    const agent = { keepalive: true } as const;
    /** p50 of `n` sequential GETs, in ms. */
    const p50 = async (n: number) => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const started = performance.now();
        await fetch(url, agent).then((r) => r.text());
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b)[Math.floor(n / 2)] ?? Infinity;
    };
    await p50(100); // warm up
    const idle = await p50(400);
    const { g } = await freeRun(t, 'cpu');
    // One busy loop per core, each ending on its own after 20 s.
    const hog = (prefix: string[]) =>
      Array.from({ length: os.availableParallelism() }, () =>
        runCommand(
          [
            ...prefix,
            process.execPath,
            '-e',
            'const end = Date.now() + 20000; while (Date.now() < end);',
          ],
          { cwd: tmp.dir, timeoutMs: 30_000 },
        ),
      );
    const hogs = hog(g.prefix());
    await sleep(500);
    const busy = await p50(400);
    await g.killAll();
    await Promise.all(hogs);
    t.diagnostic(
      `HTTP p50 ${idle.toFixed(3)} ms idle, ${busy.toFixed(3)} ms beside ${os.availableParallelism()} busy loops in a free run's group (cpu.shares ${runLimitsFor('free').cpuShares})`,
    );
    // 20 %, with 0.1 ms of slack for a sub-millisecond baseline's timer noise.
    assert.ok(busy <= idle * 1.2 + 0.1, `p50 ${busy} ms beside the hog vs ${idle} ms idle`);
  });

  it("stops a run's own step at its disk quota: the step fails as disk-quota", async (t) => {
    if (!needCgroups(t)) return;
    // The run as the run API sets it up (here with an 8 MiB quota checked every 50 ms).
    const store = await openSqliteStore(':memory:');
    const runId = testRunId('quota-run');
    await store.createRun({ id: runId, source: tmp.dir, options: {} });
    const runDir = path.join(tmp.dir, 'quota-run');
    const repoPath = path.join(runDir, 'workspace');
    mkdirSync(repoPath, { recursive: true });
    const ctx = createRunContext({ runId, source: repoPath, home: tmp.dir, runDir, store });
    ctx.state.workspace = { repoPath, kind: 'clone', commit: null };
    const { isolation } = await setUpIsolation(store, tmp.dir, runId, null, {
      network: 'host',
      sandbox: 'bubblewrap',
      runDir,
      limits: { diskBytes: 8 * MiB },
      diskCheckIntervalMs: 50,
    });
    ctx.isolation = isolation;
    t.after(async () => {
      await stopRunProcesses(store, runId);
      await store.close();
    });
    // 1 MiB every 20 ms, 64 MiB at most: bounded on its own.
    const filler = `const fs = require('fs'); let i = 0; setInterval(() => {
      fs.writeFileSync('f' + i, Buffer.alloc(${MiB}, 1)); if (++i === 64) process.exit(0); }, 20);`;
    const err = await runStep(
      ctx,
      { argv: ['node', '-e', filler], cwd: '.', env: {}, description: 'build', optional: false },
      repoPath,
      {
        phase: 'build',
        service: 'web',
        kind: 'build',
        logFile: path.join(runDir, 'logs', 'build.log'),
        env: { PATH: process.env.PATH ?? '' },
        timeoutMs: 30_000,
      },
      { code: 'BUILD_FAILED', hint: 'read the log' },
    ).catch((e: unknown) => e);
    assert.ok(err instanceof StepFailedError, String(err));
    const result = err.result;
    assert.equal(result.limitHit, 'disk-quota', JSON.stringify(result));
    const kept = await dirSize(runDir);
    t.diagnostic(
      `build step killed with ${(kept.bytes / MiB).toFixed(1)} MiB in its run dir (quota 8 MiB)`,
    );
    assert.ok(kept.bytes < 32 * MiB, `kept ${kept.bytes}`);
    assert.equal(classifyFailure({ phase: 'build', result }).class, 'disk-quota');
  });

  it('measures a large tree (node_modules) within its entry bound, and says what it costs', async (t) => {
    const tree = realpathSync(path.join(import.meta.dirname, '..', 'node_modules'));
    const started = performance.now();
    const size = await dirSize(tree);
    const ms = performance.now() - started;
    const perEntry = (ms * 1000) / size.entries;
    t.diagnostic(
      `du of node_modules: ${size.entries} entries, ${(size.bytes / MiB).toFixed(0)} MiB, ` +
        `${ms.toFixed(0)} ms (${perEntry.toFixed(1)} µs/entry), complete ${size.complete}`,
    );
    assert.ok(size.entries > 1000 && size.entries <= MAX_WALK_ENTRIES);
    assert.ok(perEntry < 100, `${perEntry} µs per entry`);
  });

  it("caps a chatty service's log at its size, keeping one rotated generation", async (t) => {
    if (!needCgroups(t)) return;
    const cap = 64 * 1024;
    const { g } = await freeRun(t, 'log', { logBytes: cap });
    const log = path.join(tmp.dir, 'logs', 'web.log');
    // 4000 lines of 512 bytes (2 MiB) over about two seconds, then exit.
    const child = await spawnServiceProcess({
      argv: [
        ...g.prefix(),
        process.execPath,
        '-e',
        `let i = 0; const t = setInterval(() => { for (let k = 0; k < 40; k++, i++)
           console.log(String(i).padStart(6, '0') + ' ' + 'x'.repeat(504));
           if (i >= 4000) { clearInterval(t); } }, 20);`,
      ],
      cwd: tmp.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      logFile: log,
    });
    const logCap = capLogFile(log, cap, 25);
    t.after(() => logCap.stop());
    const bound = new Promise<null>((r) => setTimeout(() => r(null), 30_000).unref());
    await Promise.race([new Promise((r) => child.once('exit', r)), bound]);
    // A check the timer started may still be running (check() then returns at once): check
    // until the log is within its cap, a bounded number of times.
    for (let i = 0; i < 20 && statSync(log).size > cap; i++) {
      await logCap.check();
      await sleep(25);
    }
    logCap.stop();
    const size = statSync(log).size;
    const rotated = existsSync(`${log}.1`) ? statSync(`${log}.1`).size : 0;
    t.diagnostic(`log ${size} B + .1 ${rotated} B kept of 2 MiB written (cap ${cap} B)`);
    assert.ok(size <= cap, `log ${size}`);
    assert.ok(rotated > 0 && rotated <= 4 * cap, `.1 ${rotated}`);
    // The last check may have just rotated: then the newest lines end the `.1` generation.
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const last = lines.at(-1) ?? readFileSync(`${log}.1`, 'utf8').trim().split('\n').at(-1);
    assert.match(last ?? '', /^003999 /, 'the newest lines are kept');
  });
});
