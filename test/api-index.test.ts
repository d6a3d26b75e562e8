import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestApi, type Role, type TestApi } from './api-helpers.js';

/**
 * The context index through the API (issue #13 item 5): status, build and search of a run's
 * index, authorized per tier (ARCHITECTURE.md §3: free and tester text, advanced FAISS,
 * premium, admin and developer Chroma). Real SQLite FTS5 and, for premium, a real Chroma
 * server with the local all-MiniLM-L6-v2 embedder.
 */
process.env.REPO_RUNNER_MODELS_DIR ??= path.join(tmpdir(), 'repo-runner-test-models');

let t: TestApi;
const runs: Partial<Record<Role, string>> = {};

before(async () => {
  t = await makeTestApi();
  for (const role of ['free', 'premium'] as const) {
    const id = `run-index-${role}`;
    await t.store.createRun({
      id,
      source: `${t.root}/app`,
      options: {},
      userId: t.users[role].user.id,
    });
    await t.store.updateRun(id, { status: 'stopped', repoPath: path.join(t.root, 'app') });
    runs[role] = id;
  }
});
after(() => t.close());

const call = (role: Role, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: t.headers(role),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

describe('context index API', () => {
  it('says how to build an index when there is none', async () => {
    const status = await call('free', 'GET', `/runs/${runs.free}/index`);
    assert.equal(status.statusCode, 404);
    assert.match(status.json().error.hint, /repo-runner index .*POST \/api\/v1\/runs\/.*\/index/);
    const search = await call('free', 'POST', `/runs/${runs.free}/search`, { query: 'listen' });
    assert.equal(search.statusCode, 404);
    assert.match(search.json().error.hint, /repo-runner index/);
  });

  it('refuses FAISS and Chroma to a free user with 403 and a hint, and builds text', async () => {
    for (const backend of ['faiss', 'chroma']) {
      const res = await call('free', 'POST', `/runs/${runs.free}/index`, { backend });
      assert.equal(res.statusCode, 403, res.body);
      assert.match(res.json().error.message, new RegExp(`free.*${backend}|${backend}.*free`, 'i'));
      assert.match(res.json().error.hint, /repo-runner tiers/);
    }
    const built = await call('free', 'POST', `/runs/${runs.free}/index`, {});
    assert.equal(built.statusCode, 200, built.body);
    assert.equal(built.json().backend, 'text');
    assert.equal(built.json().status, 'ready');
    assert.ok(built.json().chunks >= 2);

    const status = await call('free', 'GET', `/runs/${runs.free}/index`);
    assert.equal(status.json().status, 'ready');
    const found = await call('free', 'POST', `/runs/${runs.free}/search`, { query: 'listen' });
    assert.equal(found.statusCode, 200, found.body);
    const result = found.json();
    assert.equal(result.mode, 'text');
    assert.equal(result.hits[0].path, 'index.js');
    assert.equal(result.hits[0].startLine, 1);
    assert.match(result.hits[0].snippet, /listen/);

    const vector = await call('free', 'POST', `/runs/${runs.free}/search`, {
      query: 'listen',
      backend: 'faiss',
    });
    assert.equal(vector.statusCode, 403);
  });

  it('refuses a run asking for a backend beyond the tier, before it is queued', async () => {
    const res = await call('free', 'POST', '/runs', {
      source: 'app',
      options: { indexBackend: 'chroma' },
    });
    assert.equal(res.statusCode, 403, res.body);
    assert.match(res.json().error.message, /free tier does not include chroma/);
    const ok = await call('advanced', 'POST', '/runs', {
      source: 'app',
      options: { indexBackend: 'faiss', index: true },
    });
    assert.equal(ok.statusCode, 202, ok.body);
  });

  it("hides another user's run index (404), and lets staff read it", async () => {
    const other = await call('advanced', 'POST', `/runs/${runs.free}/search`, { query: 'x' });
    assert.equal(other.statusCode, 404);
    const staff = await call('tester', 'POST', `/runs/${runs.free}/search`, { query: 'listen' });
    assert.equal(staff.statusCode, 200, staff.body);
    assert.equal(staff.json().hits[0].path, 'index.js');
  });

  it('builds a premium run on Chroma and answers hybrid searches', async () => {
    const built = await call('premium', 'POST', `/runs/${runs.premium}/index`, {});
    assert.equal(built.statusCode, 200, built.body);
    const outcome = built.json();
    if (process.env.CI === 'true' || outcome.backend === 'chroma') {
      assert.equal(outcome.backend, 'chroma', JSON.stringify(outcome.fallbacks));
      assert.equal(outcome.embedder, 'local:all-MiniLM-L6-v2');
      assert.equal(outcome.lexical, false);
    }
    const found = await call('premium', 'POST', `/runs/${runs.premium}/search`, {
      query: 'start the web server',
    });
    assert.equal(found.statusCode, 200, found.body);
    assert.equal(found.json().backend, outcome.backend);
    if (outcome.backend === 'chroma') assert.equal(found.json().mode, 'hybrid');
    assert.ok(found.json().hits.some((h: { path: string }) => h.path === 'index.js'));
    const bad = await call('premium', 'POST', `/runs/${runs.premium}/search`, { query: '' });
    assert.equal(bad.statusCode, 400);
  });
});
