import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  isGroupAlive,
  isProcessAlive,
  spawnServiceProcess,
  stopProcessGroup,
} from './process-group.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-pg-'));
const started: number[] = [];
after(() => {
  // Whatever a failed test left running.
  for (const pid of started) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(tmp, { recursive: true, force: true });
});

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

async function service(argv: string[], logName = `${started.length}.log`) {
  const child = await spawnServiceProcess({
    argv,
    cwd: tmp,
    env,
    logFile: path.join(tmp, 'logs', logName),
  });
  started.push(child.pid);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve()
      : child.once('exit', () => resolve()),
  );

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}

/** Pids of the group's members that are not zombies (read from /proc). */
function liveMembers(pgid: number): number[] {
  const live: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') live.push(Number(name));
    } catch {
      /* exited while we looked */
    }
  }
  return live;
}

describe('spawnServiceProcess', () => {
  it('appends stdout and stderr to the log file, creating its folder', async () => {
    const log = path.join(tmp, 'nested', 'logs', 'web.log');
    writeFileSync(path.join(tmp, 'marker'), '');
    const child = await spawnServiceProcess({
      argv: ['sh', '-c', 'echo "to stdout $GREETING"; echo to stderr >&2; pwd'],
      cwd: tmp,
      env: { ...env, GREETING: 'hi' },
      logFile: log,
    });
    started.push(child.pid);
    await exited(child);
    const second = await spawnServiceProcess({
      argv: ['echo', 'second run'],
      cwd: tmp,
      env,
      logFile: log,
    });
    await exited(second);
    assert.equal(readFileSync(log, 'utf8'), `to stdout hi\nto stderr\n${tmp}\nsecond run\n`);
  });

  it('makes the service the leader of its own process group', async () => {
    const child = await service(['sleep', '30']);
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    assert.equal(pgrp, child.pid);
    assert.notEqual(pgrp, process.pid);
    assert.equal(await stopProcessGroup(child.pid, 2000), 'terminated');
  });

  it('rejects when the program cannot be started', async () => {
    await assert.rejects(
      spawnServiceProcess({
        argv: ['repo-runner-no-such-program-xyz'],
        cwd: tmp,
        env,
        logFile: path.join(tmp, 'x.log'),
      }),
      (err: NodeJS.ErrnoException) => err.code === 'ENOENT',
    );
    await assert.rejects(
      spawnServiceProcess({ argv: [], cwd: tmp, env, logFile: path.join(tmp, 'y.log') }),
      /empty start command/,
    );
  });
});

describe('stopProcessGroup', () => {
  it("returns 'terminated' for a group that exits on SIGTERM", async () => {
    const child = await service(['sleep', '60']);
    const t0 = Date.now();
    assert.equal(await stopProcessGroup(child.pid, 3000), 'terminated');
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
    await exited(child);
    assert.equal(child.signalCode, 'SIGTERM');
    assert.equal(isGroupAlive(child.pid), false);
  });

  it("kills a group whose leader ignores SIGTERM after graceMs, returning 'killed'", async () => {
    const child = await service(['sh', '-c', 'trap "" TERM; echo ready; sleep 60; echo never']);
    // The trap must be set before we signal, or the shell would just die of SIGTERM.
    await waitFor(() => liveMembers(child.pid).length === 2, 2000);
    const t0 = Date.now();
    const outcome = await stopProcessGroup(child.pid, 300);
    const took = Date.now() - t0;
    assert.equal(outcome, 'killed');
    assert.ok(took >= 300, `waited the grace period (${took} ms)`);
    await exited(child);
    assert.equal(child.signalCode, 'SIGKILL');
    assert.deepEqual(liveMembers(child.pid), []);
  });

  it("returns 'gone' for a process that has already exited", async () => {
    const child = await service(['true']);
    await exited(child);
    assert.equal(await stopProcessGroup(child.pid, 300), 'gone');
  });
});

describe('isProcessAlive / isGroupAlive', () => {
  it('true for a running process, false once it has exited', async () => {
    const child = await service(['sleep', '30']);
    assert.equal(isProcessAlive(child.pid), true);
    assert.equal(isGroupAlive(child.pid), true);
    process.kill(child.pid, 'SIGKILL');
    await exited(child);
    assert.equal(isProcessAlive(child.pid), false);
    assert.equal(isProcessAlive(process.pid), true);
  });

  it('false for an exited child nobody has reaped (a zombie), for the process and its group', async () => {
    // `sleep 0.1` exits while its parent, exec'd into `sleep 30`, never waits for it.
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    started.push(parent.pid!);
    const zombie = Number(
      await new Promise<string>((resolve) =>
        parent.stdout.once('data', (d: Buffer) => resolve(d.toString())),
      ),
    );
    assert.ok(zombie > 0);
    assert.ok(
      await waitFor(() => readFileSync(`/proc/${zombie}/stat`, 'utf8').includes(') Z '), 2000),
      'the child became a zombie',
    );
    assert.equal(isProcessAlive(zombie), false);
    // Stopping the group orphans the zombie to PID 1, which here reaps only every second or
    // two: the group must still count as gone at once, so SIGTERM was enough.
    const t0 = Date.now();
    assert.equal(await stopProcessGroup(parent.pid!, 1000), 'terminated');
    assert.ok(Date.now() - t0 < 900, `took ${Date.now() - t0} ms`);
    assert.equal(isGroupAlive(parent.pid!), false);
  });
});
