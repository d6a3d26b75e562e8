import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runLimitsFor } from '../src/auth/tier-limits.js';
import { stopRunProcesses } from '../src/core/run-control.js';
import {
  createRunCgroup,
  openRunCgroup,
  runCgroupIds,
  type RunCgroup,
} from '../src/exec/cgroup.js';
import { liveProcesses, needCgroups, testRunId } from '../src/exec/cgroup.test-kit.js';
import { spawnServiceProcess } from '../src/exec/process-group.js';
import type { Store } from '../src/model/store.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { tempDir } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The session of a process (field 6 of /proc/<pid>/stat), -1 when gone. */
function sessionOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
  } catch {
    return -1;
  }
}

/**
 * `stop` of a run whose service daemonised: killing the recorded process group misses the
 * `setsid` and double-forked grandchildren; the run's cgroup does not.
 */
describe('stop ends every process of a run through its cgroup', { timeout: 60_000 }, () => {
  const tmp = tempDir('stop-cgroup');
  let store: Store | null = null;
  let group: RunCgroup | null = null;
  after(async () => {
    await group?.remove().catch(() => undefined);
    await store?.close();
    tmp.cleanup();
  });

  it('leaves 0 processes, no group and 0 port leases within 10 s', async (t) => {
    if (!needCgroups(t)) return;
    store = await openSqliteStore(path.join(tmp.dir, 'store.db'));
    const runId = testRunId('stop');
    await store.createRun({ id: runId, source: tmp.dir, options: {} });
    group = await createRunCgroup(runId, runLimitsFor(null));
    assert.ok(group);
    assert.ok(runCgroupIds().includes(runId));
    const child = await spawnServiceProcess({
      argv: [
        ...group.prefix(),
        'sh',
        '-c',
        'setsid sleep 300 & (sleep 300 &); setsid sh -c "(sleep 300 &); sleep 300" & exec sleep 300',
      ],
      cwd: tmp.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      logFile: path.join(tmp.dir, 'logs', 'web.log'),
    });
    await store.recordProcess({
      runId,
      service: 'web',
      kind: 'service',
      pid: child.pid,
      command: 'sh',
    });
    assert.equal(await store.leasePort(47_123, runId, 'web'), true);
    const deadline = Date.now() + 5000;
    while (group.pids().length < 5 && Date.now() < deadline) await sleep(20);
    const members = group.pids();
    assert.ok(members.length >= 5, `members ${members.join(',')}`);
    const outside = members.filter((p) => sessionOf(p) !== sessionOf(child.pid));
    assert.ok(outside.length >= 2, 'some members left the service session');

    const started = Date.now();
    await stopRunProcesses(store, runId);
    const ms = Date.now() - started;
    t.diagnostic(
      `stop: ${members.length} processes (${outside.length} daemonised) gone in ${ms} ms`,
    );
    assert.ok(ms < 10_000);
    assert.deepEqual(liveProcesses(members), []);
    assert.equal(openRunCgroup(runId), null);
    assert.equal(runCgroupIds().includes(runId), false);
    assert.equal(existsSync(`/sys/fs/cgroup/pids/${group.path}`), false);
    assert.deepEqual(
      (await store.leasedPorts()).filter((l) => l.runId === runId),
      [],
    );
    assert.deepEqual(await store.openProcesses(runId), []);
  });
});
