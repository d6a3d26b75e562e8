import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCommand } from './run-command.js';

const cwd = os.tmpdir();

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

/** True once kill(-pgid, 0) says no process of the group exists, waiting up to `ms`. */
async function groupGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
      throw err;
    }
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

describe('runCommand', () => {
  it('returns the output of a successful command as data', async () => {
    const r = await runCommand(['sh', '-c', 'echo out; echo err >&2'], { cwd });
    assert.equal(r.failed, false);
    assert.equal(r.exitCode, 0);
    assert.equal(r.signal, null);
    assert.equal(r.timedOut, false);
    assert.equal(r.aborted, false);
    assert.equal(r.spawnError, null);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(r.command, 'sh -c echo out; echo err >&2');
    assert.equal(r.cwd, cwd);
    assert.ok(r.durationMs >= 0);
  });

  it('reports a non-zero exit code as failed, without throwing', async () => {
    const r = await runCommand(['sh', '-c', 'echo bad >&2; exit 3'], { cwd });
    assert.equal(r.failed, true);
    assert.equal(r.exitCode, 3);
    assert.equal(r.spawnError, null);
    assert.equal(r.stderr, 'bad\n');
  });

  it('runs in the given cwd and writes input to stdin', async () => {
    const r = await runCommand(['sh', '-c', 'pwd; cat'], { cwd: '/', input: 'from stdin' });
    assert.equal(r.stdout, '/\nfrom stdin');
  });

  it('sets spawnError for a program that does not exist', async () => {
    const r = await runCommand(['repo-runner-no-such-program-xyz', '--version'], { cwd });
    assert.equal(r.failed, true);
    assert.equal(r.exitCode, null);
    assert.equal(r.signal, null);
    assert.ok(r.spawnError, 'spawnError set');
    assert.match(r.spawnError, /ENOENT/);
  });

  it('throws for an empty argv (a programming error, not a command failure)', async () => {
    await assert.rejects(runCommand([], { cwd }), /empty argv/);
  });

  it('kills the whole group, grandchildren too, on timeout', async () => {
    let pid = 0;
    const started = Date.now();
    const r = await runCommand(['sh', '-c', 'sleep 30 & sleep 30'], {
      cwd,
      timeoutMs: 300,
      onSpawn: (p) => (pid = p),
    });
    assert.ok(pid > 0, 'onSpawn gave the pid');
    assert.equal(r.timedOut, true);
    assert.equal(r.failed, true);
    assert.equal(r.signal, 'SIGTERM');
    assert.ok(Date.now() - started < 3000, `returned after ${Date.now() - started} ms`);
    assert.deepEqual(liveMembers(pid), [], 'no live process left in the group');
    // Killed orphans stay zombies until PID 1 reaps them; this container's PID 1 does so
    // only every couple of seconds, hence the bounded wait before the group is fully gone.
    assert.equal(await groupGone(pid, 5000), true, 'kill(-pid, 0) ends with ESRCH');
  });

  it('kills a grandchild that ignores SIGTERM once the leader has exited', async () => {
    let pid = 0;
    const r = await runCommand(['sh', '-c', '(trap "" TERM; sleep 30) & sleep 30'], {
      cwd,
      timeoutMs: 300,
      onSpawn: (p) => (pid = p),
    });
    assert.equal(r.timedOut, true);
    assert.deepEqual(liveMembers(pid), []);
  });

  it('returns when the leader exits, killing what it left running with our pipes open', async () => {
    let pid = 0;
    const started = Date.now();
    const r = await runCommand(['sh', '-c', 'sleep 30 & echo started'], {
      cwd,
      timeoutMs: 20_000,
      onSpawn: (p) => (pid = p),
    });
    assert.equal(r.failed, false);
    assert.equal(r.timedOut, false);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout, 'started\n');
    assert.ok(Date.now() - started < 2000, `returned after ${Date.now() - started} ms`);
    // SIGKILL was sent before runCommand returned; its delivery takes a moment under load.
    const deadline = Date.now() + 2000;
    while (liveMembers(pid).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(liveMembers(pid), []);
  });

  it('stops the group when the signal aborts, and marks the result aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    let pid = 0;
    const started = Date.now();
    const r = await runCommand(['sh', '-c', 'sleep 30 & sleep 30'], {
      cwd,
      signal: controller.signal,
      onSpawn: (p) => (pid = p),
    });
    assert.equal(r.aborted, true);
    assert.equal(r.timedOut, false);
    assert.equal(r.failed, true);
    assert.ok(Date.now() - started < 3000, `returned after ${Date.now() - started} ms`);
    assert.deepEqual(liveMembers(pid), []);
  });

  it('does not run past an already aborted signal', async () => {
    const started = Date.now();
    const r = await runCommand(['sleep', '30'], { cwd, signal: AbortSignal.abort() });
    assert.equal(r.aborted, true);
    assert.equal(r.failed, true);
    assert.ok(Date.now() - started < 3000);
  });

  it('streams output while the command runs, labelled by stream', async () => {
    const chunks: Array<{ chunk: string; stream: string; at: number }> = [];
    const r = await runCommand(['sh', '-c', 'echo one; sleep 0.4; echo two >&2'], {
      cwd,
      onOutput: (chunk, stream) => chunks.push({ chunk, stream, at: Date.now() }),
    });
    const ended = Date.now();
    assert.deepEqual(
      chunks.map(({ chunk, stream }) => [chunk, stream]),
      [
        ['one\n', 'stdout'],
        ['two\n', 'stderr'],
      ],
    );
    assert.ok(ended - chunks[0]!.at >= 300, 'the first line arrived before the command ended');
    assert.equal(r.stdout, 'one\n');
    assert.equal(r.stderr, 'two\n');
  });

  it('gives the child exactly the env passed, or ours when none is', async () => {
    const script = 'echo "FOO=${FOO-unset} HOME=${HOME-unset}"';
    const only = await runCommand(['sh', '-c', script], {
      cwd,
      env: { FOO: 'bar baz', PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    assert.equal(only.stdout, 'FOO=bar baz HOME=unset\n');
    const inherited = await runCommand(['sh', '-c', script], { cwd });
    assert.equal(
      inherited.stdout,
      `FOO=${process.env.FOO ?? 'unset'} HOME=${process.env.HOME ?? 'unset'}\n`,
    );
  });

  it('keeps only the tail of very long output', async () => {
    const r = await runCommand(['sh', '-c', 'head -c 200000 /dev/zero | tr "\\0" a; echo END'], {
      cwd,
    });
    assert.equal(r.stdout.length, 64 * 1024);
    assert.ok(r.stdout.endsWith('aEND\n'));
  });
});
