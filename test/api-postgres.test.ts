import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postgresForTests } from '../src/store/temp-postgres.test-kit.js';
import { makeTestApi, body, readEvents, statusOf } from './api-helpers.js';
import { copyFixture, groupAlive, waitFor } from './helpers.js';

const pg = await postgresForTests();

describe('the API on a PostgreSQL store', { skip: pg.skip }, () => {
  it('runs a fixture to healthy through the worker, lists it for its owner only, stops it', async () => {
    const t = await makeTestApi({ queue: 'in-process', databaseUrl: await pg.createDatabase() });
    try {
      const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
      copyFixture('node-express', t.root);
      const token = t.users.premium.token;
      const auth = { authorization: `Bearer ${token}` };
      const created = await fetch(`${base}/api/v1/runs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ source: 'node-express' }),
      });
      assert.equal(created.status, 202);
      const { id } = await body(created);
      const events = await readEvents(base, id, token, (e) => {
        const s = statusOf(e);
        return s !== null && s !== 'queued' && s !== 'running';
      });
      const detail = await body(await fetch(`${base}/api/v1/runs/${id}`, { headers: auth }));
      assert.equal(statusOf(events.at(-1)!), 'healthy', JSON.stringify(detail.report, null, 2));

      const mine = await body(await fetch(`${base}/api/v1/runs`, { headers: auth }));
      assert.deepEqual(
        mine.runs.map((r: { id: string }) => r.id),
        [id],
      );
      const other = await t.app.inject({
        method: 'GET',
        url: '/api/v1/runs',
        headers: t.headers('advanced'),
      });
      assert.deepEqual(other.json().runs, []);
      const all = await t.app.inject({
        method: 'GET',
        url: '/api/v1/runs?all=true',
        headers: t.headers('tester'),
      });
      assert.ok(all.json().runs.some((r: { id: string }) => r.id === id));
      const hidden = await t.app.inject({
        method: 'GET',
        url: `/api/v1/runs/${id}`,
        headers: t.headers('advanced'),
      });
      assert.equal(hidden.statusCode, 404);

      // The detached supervisor opened the same PostgreSQL store.
      assert.ok(
        await waitFor(async () => (await t.store.getRun(id))?.supervisorPid != null, 10_000),
      );
      const stopped = await fetch(`${base}/api/v1/runs/${id}/stop`, {
        method: 'POST',
        headers: auth,
      });
      assert.equal(stopped.status, 200);
      assert.ok(await waitFor(() => !groupAlive(detail.report.services[0].pid), 10_000));
      assert.equal((await t.store.getRun(id))?.status, 'stopped');
    } finally {
      await t.close();
    }
  });
});
