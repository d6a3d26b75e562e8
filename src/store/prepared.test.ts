import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { kyselyOf } from './kysely-store.js';
import { preparedQuery, type Param } from './prepared.js';
import type { Database } from './schema.js';
import { testStoreBackends } from './stores.test-kit.js';

const runsOf = preparedQuery((db: Kysely<Database>, p: Param<{ source: string; limit: number }>) =>
  db
    .selectFrom('runs')
    .select(['id', 'status'])
    .where('source', '=', p('source'))
    .where('status', '<>', 'stopped')
    .orderBy('id')
    .limit(p('limit')),
);

const bump = preparedQuery((db: Kysely<Database>, p: Param<{ id: string; status: string }>) =>
  db
    .updateTable('runs')
    .set({ status: p('status') })
    .where('id', '=', p('id'))
    .returning('id'),
);

for (const backend of await testStoreBackends()) {
  describe(`preparedQuery on ${backend.name}`, { skip: backend.skip }, () => {
    it('runs with new values each time and keeps the constants of the query', async () => {
      const store = await backend.open();
      try {
        for (const [id, source] of [
          ['a1', 'A'],
          ['a2', 'A'],
          ['a3', 'A'],
          ['b1', 'B'],
        ] as const)
          await store.createRun({ id, source, options: {} });
        await store.updateRun('a2', { status: 'stopped' });
        const ids = async (source: string, limit: number) =>
          (await runsOf(kyselyOf(store), { source, limit })).rows.map((r) => r.id);
        assert.deepEqual(await ids('A', 10), ['a1', 'a3']);
        assert.deepEqual(await ids('A', 1), ['a1']);
        assert.deepEqual(await ids('B', 10), ['b1']);
        assert.deepEqual(await ids('C', 10), []);
        // In a transaction (another kysely instance): compiled for it, and rolled back with it.
        await assert.rejects(
          kyselyOf(store)
            .transaction()
            .execute(async (trx) => {
              assert.deepEqual((await bump(trx, { id: 'b1', status: 'failed' })).rows, [
                { id: 'b1' },
              ]);
              throw new Error('roll back');
            }),
          /roll back/,
        );
        assert.equal((await store.getRun('b1'))?.status, 'queued');
        await bump(kyselyOf(store), { id: 'b1', status: 'healthy' });
        assert.equal((await store.getRun('b1'))?.status, 'healthy');
      } finally {
        await store.close();
      }
    });

    it('refuses a param that kysely does not bind as one parameter', async () => {
      const store = await backend.open();
      try {
        const inlined = preparedQuery((db: Kysely<Database>, p: Param<{ id: string }>) =>
          db
            .selectFrom('runs')
            .select('id')
            .where('id', '=', sql.lit(p('id'))),
        );
        await assert.rejects(inlined(kyselyOf(store), { id: 'x' }), /param id is not bound/);
      } finally {
        await store.close();
      }
    });
  });
}
