import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../model/store.js';
import { kyselyOf } from './kysely-store.js';

/** Options of `storeConformance` beyond the factory. */
export interface ConformanceOptions {
  /**
   * Opens a second Store on the database the latest `open()` returned (its own pool or file
   * handle, as another process would have), for races between two instances. Omit where
   * there is no such thing (`:memory:`): those cases are then skipped.
   */
  openSecond?: () => Promise<Store>;
}

const UNICODE = 'naïve café 🚀 日本語 עברית e\u0301 \u{1F600}\u200D\u{1F680} ∑∞ \\ \' " `';

/**
 * The cases that prove two dialects behave the same where they differ most: cross-instance
 * races, id order, text encoding, large values, integer and count types, transactions.
 * Called by `storeConformance` inside its suite; `current()` is the store of the test.
 */
export function parityCases(current: () => Store, options: ConformanceOptions): void {
  const noSecond = options.openSecond ? false : 'no second instance on this backend';
  const withSecond = async <T>(fn: (a: Store, b: Store) => Promise<T>): Promise<T> => {
    const b = await options.openSecond!();
    try {
      return await fn(current(), b);
    } finally {
      await b.close();
    }
  };
  const log = (s: Store, runId: string, message: string, data: unknown = null) =>
    s.appendEvent({ runId, kind: 'log', phase: null, service: 'web', message, data });

  describe('dialect parity', () => {
    it('two instances racing for the same ports: exactly one wins each', { skip: noSecond }, () =>
      withSecond(async (a, b) => {
        const ports = Array.from({ length: 25 }, (_, i) => 46000 + i);
        const results = await Promise.all(
          ports.flatMap((p) => [a.leasePort(p, 'run-a', 'web'), b.leasePort(p, 'run-b', 'web')]),
        );
        for (let i = 0; i < ports.length; i++) {
          assert.equal(Number(results[2 * i]) + Number(results[2 * i + 1]), 1, `port ${ports[i]}`);
        }
        const owners = new Map((await a.leasedPorts()).map((l) => [l.port, l.runId]));
        assert.equal(owners.size, ports.length);
        ports.forEach((p, i) => assert.equal(owners.get(p), results[2 * i] ? 'run-a' : 'run-b'));
      }),
    );

    it('events appended at once (from two instances where there are) get distinct ids, listed in order', async () => {
      const store = current();
      await store.createRun({ id: 'r1', source: '.', options: {} });
      const appendAll = (s: Store, tag: string) =>
        Promise.all(Array.from({ length: 20 }, (_, i) => log(s, 'r1', `${tag}${i}`)));
      const ids = options.openSecond
        ? await withSecond(async (a, b) =>
            (await Promise.all([appendAll(a, 'a'), appendAll(b, 'b')])).flat(),
          )
        : await appendAll(store, 'a');
      const events = await store.listEvents('r1');
      assert.equal(new Set(ids).size, ids.length);
      assert.deepEqual(
        events.map((e) => e.id),
        [...ids].sort((x, y) => x - y),
      );
      for (const id of ids) assert.equal(typeof id, 'number');
    });

    it('unicode round-trips in every text field and in JSON', async () => {
      const store = current();
      await store.createRun({ id: 'r-ü', source: `/src/${UNICODE}`, options: { name: UNICODE } });
      await store.updateRun('r-ü', { repoPath: `/abs/${UNICODE}`, report: { note: UNICODE } });
      const run = await store.getRun('r-ü');
      assert.equal(run?.source, `/src/${UNICODE}`);
      assert.equal(run?.repoPath, `/abs/${UNICODE}`);
      assert.deepEqual(run?.options, { name: UNICODE });
      assert.deepEqual(run?.report, { note: UNICODE });
      await store.setPhase('r-ü', 'env', { error: { code: 'X', message: UNICODE } });
      assert.equal((await store.getPhases('r-ü'))[0]?.error?.message, UNICODE);
      await store.saveCheckpoint('r-ü', 'env', { [UNICODE]: [UNICODE] });
      assert.deepEqual((await store.getCheckpoints('r-ü')).get('env'), { [UNICODE]: [UNICODE] });
      await log(store, 'r-ü', UNICODE, { line: UNICODE, nul: 'a\u0000b' });
      const [event] = await store.listEvents('r-ü', { service: 'web' });
      assert.equal(event?.message, UNICODE);
      assert.deepEqual(event?.data, { line: UNICODE, nul: 'a\u0000b' });
      const id = await store.recordProcess({
        runId: 'r-ü',
        service: null,
        kind: 'service',
        pid: 1,
        command: UNICODE,
      });
      assert.equal((await store.openProcesses('r-ü')).find((p) => p.id === id)?.command, UNICODE);
    });

    it('stores a NUL or a lone surrogate in a log line or command as U+FFFD', async () => {
      const store = current();
      await store.createRun({ id: 'r1', source: '.', options: {} });
      await log(store, 'r1', 'bin\u0000ary \uD800x');
      assert.equal((await store.listEvents('r1'))[0]?.message, 'bin\uFFFDary \uFFFDx');
      const id = await store.recordProcess({
        runId: 'r1',
        service: null,
        kind: 'build',
        pid: 2,
        command: 'a\u0000b',
      });
      assert.equal((await store.openProcesses('r1')).find((p) => p.id === id)?.command, 'a\uFFFDb');
    });

    it('large JSON values round-trip (a 2 MB checkpoint, a 1 MB report)', async () => {
      const store = current();
      await store.createRun({ id: 'r1', source: '.', options: {} });
      const big = {
        lines: Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(90)} ü`),
      };
      await store.saveCheckpoint('r1', 'detect', big);
      await store.updateRun('r1', { report: { services: big.lines.slice(0, 10_000) } });
      assert.deepEqual((await store.getCheckpoints('r1')).get('detect'), big);
      assert.deepEqual((await store.getRun('r1'))?.report, {
        services: big.lines.slice(0, 10_000),
      });
    });

    it('integers up to 2^31-1 round-trip and counts are numbers', async () => {
      const store = current();
      await store.createRun({ id: 'r1', source: '.', options: {} });
      await store.updateRun('r1', { ownerPid: 2_147_483_647, supervisorPid: 0 });
      await store.setPhase('r1', 'start', { durationMs: 2_147_483_647, attempts: 7 });
      const run = await store.getRun('r1');
      assert.equal(run?.ownerPid, 2_147_483_647);
      assert.equal(run?.supervisorPid, 0);
      assert.equal((await store.getPhases('r1'))[0]?.durationMs, 2_147_483_647);
      const row = await kyselyOf(store)
        .selectFrom('phases')
        .select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum('attempts').as('total')])
        .executeTakeFirstOrThrow();
      assert.deepEqual([row.n, Number(row.total)], [1, 7]);
    });

    it('a transaction commits all or nothing', async () => {
      const store = current();
      await assert.rejects(
        kyselyOf(store)
          .transaction()
          .execute(async (trx) => {
            await trx
              .insertInto('ports')
              .values({ port: 47001, run_id: 'r1', service: 'web', leased_at: 'now' })
              .execute();
            throw new Error('rolled back');
          }),
        /rolled back/,
      );
      assert.deepEqual(await store.leasedPorts(), []);
      await kyselyOf(store)
        .transaction()
        .execute(async (trx) => {
          await trx
            .insertInto('ports')
            .values({ port: 47001, run_id: 'r1', service: 'web', leased_at: 'now' })
            .execute();
          await trx
            .insertInto('ports')
            .values({ port: 47002, run_id: 'r1', service: 'api', leased_at: 'now' })
            .execute();
        });
      assert.equal((await store.leasedPorts()).length, 2);
    });
  });
}
