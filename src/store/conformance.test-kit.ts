import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminConformance } from './conformance-admin.test-kit.js';
import { parityCases, type ConformanceOptions } from './conformance-parity.test-kit.js';
import type { Store } from '../model/store.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The behaviour every store backend must have (langgraph's `specTest` idea): run it from the
 * backend's own test file with a factory that opens a fresh, migrated, empty store per call.
 *
 * `options.openSecond` adds the races between two instances on one database (see
 * {@link ConformanceOptions}); the dialect-parity cases live in `conformance-parity.ts`.
 *
 * @example
 * storeConformance('sqlite :memory:', () => openSqliteStore(':memory:'));
 */
export function storeConformance(
  name: string,
  open: () => Promise<Store>,
  options: ConformanceOptions = {},
): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    const newRun = (id: string, source = `/src/${id}`) =>
      store.createRun({ id, source, options: { host: '127.0.0.1', detach: false } });

    describe('runs', () => {
      it('creates a queued run and reads it back', async () => {
        await newRun('r1');
        const run = await store.getRun('r1');
        assert.ok(run);
        assert.equal(run.id, 'r1');
        assert.equal(run.source, '/src/r1');
        assert.equal(run.status, 'queued');
        assert.equal(run.repoPath, null);
        assert.equal(run.report, null);
        assert.equal(run.ownerPid, null);
        assert.equal(run.supervisorPid, null);
        assert.deepEqual(run.options, { host: '127.0.0.1', detach: false });
        assert.match(run.createdAt, ISO);
        assert.equal(run.updatedAt, run.createdAt);
      });

      it('returns undefined for an unknown run', async () => {
        assert.equal(await store.getRun('nope'), undefined);
      });

      it('refuses a second run with the same id', async () => {
        await newRun('r1');
        await assert.rejects(newRun('r1'));
      });

      it('updates only the fields given and bumps updatedAt', async () => {
        await newRun('r1');
        const before = await store.getRun('r1');
        await sleep(5);
        await store.updateRun('r1', { status: 'running', ownerPid: 4242, repoPath: '/abs/repo' });
        await store.updateRun('r1', { report: { status: 'healthy', services: [] } });
        const run = await store.getRun('r1');
        assert.ok(run && before);
        assert.equal(run.status, 'running');
        assert.equal(run.ownerPid, 4242);
        assert.equal(run.repoPath, '/abs/repo');
        assert.equal(run.supervisorPid, null);
        assert.deepEqual(run.report, { status: 'healthy', services: [] });
        assert.equal(run.createdAt, before.createdAt);
        assert.ok(run.updatedAt > before.updatedAt, `${run.updatedAt} > ${before.updatedAt}`);
      });

      it('clears nullable fields when given null', async () => {
        await newRun('r1');
        await store.updateRun('r1', { ownerPid: 1, supervisorPid: 2 });
        await store.updateRun('r1', { ownerPid: null, supervisorPid: null });
        const run = await store.getRun('r1');
        assert.equal(run?.ownerPid, null);
        assert.equal(run?.supervisorPid, null);
      });

      it('lists runs newest first, up to the limit', async () => {
        // Ids in reverse alphabetical order, so an order by id alone would give the wrong answer.
        for (const id of ['run-c', 'run-b', 'run-a']) {
          await newRun(id);
          await sleep(3);
        }
        assert.deepEqual(
          (await store.listRuns()).map((r) => r.id),
          ['run-a', 'run-b', 'run-c'],
        );
        assert.deepEqual(
          (await store.listRuns(2)).map((r) => r.id),
          ['run-a', 'run-b'],
        );
      });
    });

    describe('phases', () => {
      it('creates a phase with defaults for what was not given', async () => {
        await newRun('r1');
        await store.setPhase('r1', 'env', { status: 'skipped' });
        assert.deepEqual(await store.getPhases('r1'), [
          {
            name: 'env',
            status: 'skipped',
            attempts: 0,
            startedAt: null,
            endedAt: null,
            durationMs: null,
            error: null,
          },
        ]);
      });

      it('upserts: a later patch keeps the fields it does not name', async () => {
        await newRun('r1');
        const startedAt = new Date().toISOString();
        await store.setPhase('r1', 'dependencies', { status: 'running', attempts: 1, startedAt });
        await store.setPhase('r1', 'dependencies', {
          status: 'failed',
          endedAt: startedAt,
          durationMs: 12,
          error: { code: 'INSTALL_FAILED', message: 'pip failed', hint: 'read the log' },
        });
        let [phase] = await store.getPhases('r1');
        assert.deepEqual(phase, {
          name: 'dependencies',
          status: 'failed',
          attempts: 1,
          startedAt,
          endedAt: startedAt,
          durationMs: 12,
          error: { code: 'INSTALL_FAILED', message: 'pip failed', hint: 'read the log' },
        });
        // No status in the patch: the stored one stays (the insert default must not win).
        await store.setPhase('r1', 'dependencies', { attempts: 2, error: null });
        [phase] = await store.getPhases('r1');
        assert.equal(phase?.status, 'failed');
        assert.equal(phase?.attempts, 2);
        assert.equal(phase?.error, null);
        assert.equal(phase?.durationMs, 12);
      });

      it('accepts an empty patch: creates a pending phase, or leaves an existing one', async () => {
        await newRun('r1');
        await store.setPhase('r1', 'env', {});
        await store.setPhase('r1', 'fetch', { status: 'done', attempts: 3 });
        await store.setPhase('r1', 'fetch', {});
        const phases = new Map((await store.getPhases('r1')).map((p) => [p.name, p]));
        assert.equal(phases.get('env')?.status, 'pending');
        assert.equal(phases.get('fetch')?.status, 'done');
        assert.equal(phases.get('fetch')?.attempts, 3);
      });

      it('keeps phases per run', async () => {
        await newRun('r1');
        await newRun('r2');
        await store.setPhase('r1', 'env', { status: 'done' });
        await store.setPhase('r2', 'env', { status: 'failed' });
        assert.equal((await store.getPhases('r1'))[0]?.status, 'done');
        assert.equal((await store.getPhases('r2'))[0]?.status, 'failed');
        assert.deepEqual(await store.getPhases('r3'), []);
      });
    });

    describe('checkpoints', () => {
      it('saves one checkpoint per phase; a second save replaces the first', async () => {
        await newRun('r1');
        await store.saveCheckpoint('r1', 'env', { env: { os: 'linux' } });
        await store.saveCheckpoint('r1', 'detect', { plan: { services: ['web'] } });
        await store.saveCheckpoint('r1', 'env', { env: { os: 'linux', cpus: 4 } });
        const checkpoints = await store.getCheckpoints('r1');
        assert.equal(checkpoints.size, 2);
        assert.deepEqual(checkpoints.get('env'), { env: { os: 'linux', cpus: 4 } });
        assert.deepEqual(checkpoints.get('detect'), { plan: { services: ['web'] } });
      });

      it('stores undefined data as null and keeps runs apart', async () => {
        await newRun('r1');
        await newRun('r2');
        await store.saveCheckpoint('r1', 'env', undefined);
        assert.equal((await store.getCheckpoints('r1')).get('env'), null);
        assert.ok((await store.getCheckpoints('r1')).has('env'));
        assert.equal((await store.getCheckpoints('r2')).size, 0);
      });
    });

    describe('events', () => {
      const add = (runId: string, kind: string, service: string | null, message: string) =>
        store.appendEvent({ runId, kind, phase: 'start', service, message, data: { message } });

      it('appends events with increasing ids and lists them oldest first', async () => {
        await newRun('r1');
        await newRun('r2');
        const ids: number[] = [];
        for (let i = 0; i < 5; i++) {
          ids.push(await add('r1', 'log', 'web', `line ${i}`));
          await add('r2', 'log', 'web', `other ${i}`);
        }
        for (let i = 1; i < ids.length; i++) assert.ok(ids[i]! > ids[i - 1]!);
        const events = await store.listEvents('r1');
        assert.deepEqual(
          events.map((e) => e.message),
          ['line 0', 'line 1', 'line 2', 'line 3', 'line 4'],
        );
        assert.deepEqual(
          events.map((e) => e.id),
          ids,
        );
        const first = events[0];
        assert.ok(first);
        assert.equal(first.runId, 'r1');
        assert.equal(first.kind, 'log');
        assert.equal(first.phase, 'start');
        assert.equal(first.service, 'web');
        assert.deepEqual(first.data, { message: 'line 0' });
        assert.match(first.ts, ISO);
      });

      it('keeps a given timestamp and stores null data as null', async () => {
        await newRun('r1');
        const ts = '2024-01-02T03:04:05.006Z';
        await store.appendEvent({
          runId: 'r1',
          ts,
          kind: 'info',
          phase: null,
          service: null,
          message: 'hello',
          data: null,
        });
        const [e] = await store.listEvents('r1');
        assert.equal(e?.ts, ts);
        assert.equal(e?.data, null);
        assert.equal(e?.phase, null);
        assert.equal(e?.service, null);
      });

      it('filters by afterId, kind, service and limit', async () => {
        await newRun('r1');
        const a = await add('r1', 'log', 'web', 'a');
        const b = await add('r1', 'phase', null, 'b');
        await add('r1', 'log', 'api', 'c');
        await add('r1', 'log', 'web', 'd');
        const messages = async (filter: Parameters<Store['listEvents']>[1]) =>
          (await store.listEvents('r1', filter)).map((e) => e.message);
        assert.deepEqual(await messages({ afterId: a }), ['b', 'c', 'd']);
        assert.deepEqual(await messages({ afterId: b }), ['c', 'd']);
        assert.deepEqual(await messages({ kind: 'log' }), ['a', 'c', 'd']);
        assert.deepEqual(await messages({ service: 'web' }), ['a', 'd']);
        assert.deepEqual(await messages({ kind: 'log', service: 'api' }), ['c']);
        assert.deepEqual(await messages({ afterId: a, kind: 'log', service: 'web' }), ['d']);
        assert.deepEqual(await messages({ limit: 2 }), ['a', 'b']);
        assert.deepEqual(await messages({ kind: 'result' }), []);
      });
    });

    describe('port leases', () => {
      it('leases a port to one run only', async () => {
        assert.equal(await store.leasePort(41001, 'r1', 'web'), true);
        assert.equal(await store.leasePort(41001, 'r2', 'web'), false);
        assert.equal(await store.leasePort(41001, 'r1', 'api'), false);
        assert.equal(await store.leasePort(41002, 'r2', 'web'), true);
        const leases = (await store.leasedPorts()).sort((x, y) => x.port - y.port);
        assert.deepEqual(leases, [
          { port: 41001, runId: 'r1', service: 'web' },
          { port: 41002, runId: 'r2', service: 'web' },
        ]);
      });

      it('gives a port to exactly one of 30 concurrent callers', async () => {
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) => store.leasePort(42000, `run-${i}`, 'web')),
        );
        assert.equal(results.filter(Boolean).length, 1);
        const winner = results.indexOf(true);
        assert.deepEqual(await store.leasedPorts(), [
          { port: 42000, runId: `run-${winner}`, service: 'web' },
        ]);
      });

      it('releases every port of one run and no other', async () => {
        await store.leasePort(43001, 'r1', 'web');
        await store.leasePort(43002, 'r1', 'api');
        await store.leasePort(43003, 'r2', 'web');
        await store.releasePorts('r1');
        assert.deepEqual(await store.leasedPorts(), [{ port: 43003, runId: 'r2', service: 'web' }]);
        assert.equal(await store.leasePort(43001, 'r3', 'web'), true);
        await store.releasePorts('no-such-run');
        assert.equal((await store.leasedPorts()).length, 2);
      });
    });

    describe('processes', () => {
      it('records processes, ends them, and lists the open ones of a run', async () => {
        const web = await store.recordProcess({
          runId: 'r1',
          service: 'web',
          kind: 'service',
          pid: 1001,
          command: 'python app.py',
        });
        const install = await store.recordProcess({
          runId: 'r1',
          service: 'web',
          kind: 'install',
          pid: 1002,
          command: 'pip install -r requirements.txt',
        });
        await store.recordProcess({
          runId: 'r2',
          service: null,
          kind: 'supervisor',
          pid: 1003,
          command: 'repo-runner supervise r2',
        });
        assert.notEqual(web, install);
        let open = await store.openProcesses('r1');
        assert.deepEqual(open.map((p) => p.pid).sort(), [1001, 1002]);
        const rec = open.find((p) => p.id === web);
        assert.ok(rec);
        assert.equal(rec.runId, 'r1');
        assert.equal(rec.service, 'web');
        assert.equal(rec.kind, 'service');
        assert.equal(rec.command, 'python app.py');
        assert.equal(rec.endedAt, null);
        assert.match(rec.startedAt, ISO);

        await store.endProcess(install);
        open = await store.openProcesses('r1');
        assert.deepEqual(
          open.map((p) => p.id),
          [web],
        );
        const other = await store.openProcesses('r2');
        assert.equal(other.length, 1);
        assert.equal(other[0]?.service, null);
        await store.endProcess(web);
        assert.deepEqual(await store.openProcesses('r1'), []);
      });
    });

    adminConformance(() => store);

    it('migrate() on an up-to-date store changes nothing', async () => {
      await newRun('r1');
      await store.migrate();
      assert.equal((await store.getRun('r1'))?.id, 'r1');
    });

    parityCases(() => store, options);
  });
}
