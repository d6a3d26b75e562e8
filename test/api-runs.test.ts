import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stopRun } from '../src/core/run-api.js';
import { makeTestApi, body, readEvents, statusOf, type TestApi } from './api-helpers.js';
import { copyFixture, groupAlive, processesUnder, readExpect, waitFor } from './helpers.js';

describe('runs through the API: in-process worker, SSE, stop', () => {
  let t: TestApi;
  let base: string;
  before(async () => {
    t = await makeTestApi({ queue: 'in-process' });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => t?.close());

  it('node-express reaches healthy, its events stream over SSE (Last-Event-ID resumes), stop leaves no process', async () => {
    const repo = copyFixture('node-express', t.root);
    const token = t.users.developer.token;
    const created = await fetch(`${base}/api/v1/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'node-express', options: { healthTimeoutMs: 60_000 } }),
    });
    assert.equal(created.status, 202, await created.clone().text());
    const run = await body(created);
    assert.equal(run.status, 'queued');
    assert.equal(run.userId, t.users.developer.user.id);
    assert.equal(created.headers.get('location'), `/api/v1/runs/${run.id}`);

    const events = await readEvents(base, run.id, token, (e) => {
      const s = statusOf(e);
      return s !== null && s !== 'queued' && s !== 'running';
    });
    const final = statusOf(events.at(-1)!);
    const detail = await body(
      await fetch(`${base}/api/v1/runs/${run.id}`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    assert.equal(final, 'healthy', JSON.stringify(detail.report ?? detail, null, 2));
    const kinds = new Set(events.map((e) => e.event));
    for (const k of ['phase', 'result', 'status']) assert.ok(kinds.has(k), `no ${k} event`);
    const ids = events.filter((e) => e.id !== null).map((e) => Number(e.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
      'event ids are in order',
    );

    const service = detail.report.services[0];
    const expect = readExpect('node-express');
    const page = await fetch(new URL(expect.path, service.url));
    assert.match(await page.text(), new RegExp(expect.bodyContains));

    // The services outlive the pipeline under a detached supervisor.
    assert.ok(
      await waitFor(async () => (await t.store.getRun(run.id))?.supervisorPid != null, 10_000),
    );
    const supervisorPid = (await t.store.getRun(run.id))!.supervisorPid!;

    // Last-Event-ID: a reconnect gets only what came after.
    const last = ids.at(-1)!;
    const resumed = await readEvents(
      base,
      run.id,
      token,
      (e) => e.event === 'status',
      String(last),
    );
    for (const e of resumed.filter((x) => x.id !== null)) assert.ok(Number(e.id) > last);

    // A follower sees the run end when it is stopped.
    const follower = readEvents(base, run.id, token, (e) => e.event === 'end', String(last));
    const stopped = await fetch(`${base}/api/v1/runs/${run.id}/stop`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(stopped.status, 200);
    assert.equal((await body(stopped)).status, 'stopped');
    const tail = await follower;
    assert.equal(tail.at(-1)?.event, 'end');
    assert.equal(JSON.parse(tail.at(-1)!.data).status, 'stopped');

    assert.ok(await waitFor(() => !groupAlive(service.pid), 10_000), 'service group still alive');
    assert.ok(await waitFor(() => !groupAlive(supervisorPid), 10_000), 'supervisor still alive');
    // The run works on its own copy of the folder, in its run dir.
    assert.deepEqual(processesUnder(path.join(t.home, 'runs', run.id)), []);
    assert.deepEqual(processesUnder(repo), []);
    assert.equal((await t.store.leasedPorts()).filter((p) => p.runId === run.id).length, 0);
  });

  it('resume of a run whose supervisor died adopts its services as they are (same pid, URL answers)', async () => {
    copyFixture('node-express', t.root);
    const token = t.users.developer.token;
    const auth = { authorization: `Bearer ${token}` };
    const created = await fetch(`${base}/api/v1/runs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'node-express' }),
    });
    const run = await body(created);
    await readEvents(base, run.id, token, (e) => {
      const s = statusOf(e);
      return s !== null && s !== 'queued' && s !== 'running';
    });
    assert.ok(
      await waitFor(async () => (await t.store.getRun(run.id))?.supervisorPid != null, 10_000),
    );
    const before = (await t.store.getRun(run.id))!;
    const service = (before.report as { services: Array<{ pid: number; url: string }> })
      .services[0]!;
    process.kill(before.supervisorPid!, 'SIGKILL');
    assert.ok(await waitFor(() => !groupAlive(before.supervisorPid!), 10_000));
    const resumed = await fetch(`${base}/api/v1/runs/${run.id}/resume`, {
      method: 'POST',
      headers: auth,
    });
    assert.equal(resumed.status, 202, await resumed.clone().text());
    assert.equal((await body(resumed)).status, 'healthy', 'adopted, not queued again');
    const adopter = (await t.store.getRun(run.id))!.supervisorPid;
    assert.ok(adopter && adopter !== before.supervisorPid && groupAlive(adopter));
    assert.ok(groupAlive(service.pid), 'the service was not restarted');
    // The new supervisor publishes the service's port again in the run's network.
    let answered = false;
    for (let i = 0; i < 80 && !answered; i++) {
      answered = await fetch(service.url)
        .then((r) => r.ok)
        .catch(() => false);
      if (!answered) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(answered, `${service.url} answers after the adoption`);
    await fetch(`${base}/api/v1/runs/${run.id}/stop`, { method: 'POST', headers: auth });
    assert.ok(await waitFor(() => !groupAlive(service.pid), 10_000));
  });

  it('server shutdown aborts an in-flight pipeline and stops what it started', async () => {
    const own = await makeTestApi({ queue: 'in-process' });
    try {
      copyFixture('node-express', own.root);
      const res = await own.app.inject({
        method: 'POST',
        url: '/api/v1/runs',
        headers: own.headers('developer'),
        payload: { source: 'node-express', options: { forceInstall: true } },
      });
      assert.equal(res.statusCode, 202);
      const id = res.json().id as string;
      // Wait until the install is under way, then shut the server down.
      assert.ok(
        await waitFor(
          async () =>
            (await own.store.getPhases(id)).some(
              (p) => p.name === 'dependencies' && p.status === 'running',
            ),
          60_000,
        ),
        'the install never started',
      );
      await own.app.close();
      const run = await own.store.getRun(id);
      assert.equal(run?.status, 'interrupted');
      assert.equal(run?.supervisorPid, null);
      assert.equal((await own.store.openProcesses(id)).length, 0);
      assert.ok(
        await waitFor(() => processesUnder(path.join(own.home, 'runs', id)).length === 0, 10_000),
        'processes left behind',
      );
    } finally {
      await own.close();
    }
  });
  it('a stop from outside the server (the CLI) only marks the run; its worker notices and aborts', async () => {
    const own = await makeTestApi({ queue: 'in-process' });
    try {
      copyFixture('node-express', own.root);
      const res = await own.app.inject({
        method: 'POST',
        url: '/api/v1/runs',
        headers: own.headers('developer'),
        payload: { source: 'node-express', options: { forceInstall: true } },
      });
      const id = res.json().id as string;
      assert.ok(
        await waitFor(
          async () =>
            (await own.store.getPhases(id)).some(
              (p) => p.name === 'dependencies' && p.status === 'running',
            ),
          60_000,
        ),
      );
      // What `repo-runner stop <id>` does against the same store: the server is not signalled.
      await stopRun(own.store, id);
      assert.ok(
        await waitFor(async () => (await own.store.getRun(id))?.ownerPid === null, 20_000),
        'the worker did not let go of the run',
      );
      assert.equal((await own.store.getRun(id))?.status, 'stopped');
      assert.ok(
        await waitFor(() => processesUnder(path.join(own.home, 'runs', id)).length === 0, 10_000),
      );
      const health = await own.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(health.statusCode, 200, 'the server itself is still up');
    } finally {
      await own.close();
    }
  });
});
