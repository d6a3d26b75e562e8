/**
 * `npm run bench:api`: requests/s and p99 latency of `GET /api/v1/runs/:id` with
 * authentication and rate limiting on (the real AuthService over SQLite), against a bare
 * Fastify route returning a like-sized JSON, in the same process, over loopback HTTP with
 * keep-alive and `CONCURRENCY` requests in flight. Goal: the API at least half the bare
 * route's throughput.
 *
 * The bench users are developer tier (10 000 requests/hour each); requests rotate over
 * enough of them that none is refused (a 429 fails the bench).
 */
import { Agent, request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { createAuthService } from '../src/auth/service.js';
import { buildServer } from '../src/server/app.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { ROOT, tempDir } from '../test/helpers.js';

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const USERS = 8;

interface Result {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<number, number>;
}

/** Keeps CONCURRENCY requests in flight for `ms`; `headers(i)` picks the i-th request's headers. */
async function load(
  port: number,
  path: string,
  ms: number,
  headers: (i: number) => Record<string, string>,
): Promise<Result> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let n = 0;
  const deadline = performance.now() + ms;
  const one = (i: number) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent, headers: headers(i) }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const status = await one(n++);
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    perSecond: Math.round((latencies.length / elapsed) * 1000),
    p50Ms: Number(at(0.5).toFixed(2)),
    p99Ms: Number(at(0.99).toFixed(2)),
    statuses,
  };
}

const tmp = tempDir('bench-api');
try {
  const home = path.join(tmp.dir, 'home');
  const store = await openSqliteStore(path.join(home, 'repo-runner.db'));
  const auth = createAuthService(store, { env: {} });
  const app = await buildServer({ store, home, auth, recover: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const apiPort = (app.server.address() as { port: number }).port;

  const password = 'bench password 1234';
  const first = await auth.register({ username: 'bench0', password, tier: 'developer' });
  const developer = await auth.authenticate(first.token);
  const tokens = [first.token];
  for (let i = 1; i < USERS; i++) {
    await auth.createUser(developer, { username: `bench${i}`, password, tier: 'developer' });
    tokens.push((await auth.login({ username: `bench${i}`, password })).token);
  }
  const runId = '20261122-000000-beef';
  await store.createRun({
    id: runId,
    source: 'https://example.com/org/app.git',
    options: {},
    userId: developer.user.id,
  });
  const report = {
    runId,
    status: 'healthy',
    services: [{ name: 'web', url: 'http://127.0.0.1:5000/', health: 'healthy' }],
  };
  await store.updateRun(runId, { status: 'healthy', report });
  for (const phase of [
    'env',
    'fetch',
    'detect',
    'plan',
    'dependencies',
    'start',
    'health',
    'report',
  ])
    await store.setPhase(runId, phase, { status: 'done', attempts: 1, durationMs: 10 });
  // Every request goes to one of the users; a user's requests spread over its windows.
  const apiHeaders = (i: number) => ({ authorization: `Bearer ${tokens[i % tokens.length]}` });

  const bare = Fastify();
  const detail = await app.inject({
    method: 'GET',
    url: `/api/v1/runs/${runId}`,
    headers: apiHeaders(0),
  });
  const body = detail.json();
  bare.get('/bare/:id', async () => body);
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const barePort = (bare.server.address() as { port: number }).port;

  // Warm both up (JIT, connections), then measure each alone.
  await load(barePort, `/bare/${runId}`, 500, () => ({}));
  await load(apiPort, `/api/v1/runs/${runId}`, 500, apiHeaders);
  const bareResult = await load(barePort, `/bare/${runId}`, DURATION_MS, () => ({}));
  const apiResult = await load(apiPort, `/api/v1/runs/${runId}`, DURATION_MS, apiHeaders);
  const ratio = Number((apiResult.perSecond / bareResult.perSecond).toFixed(2));

  const rows = [
    { route: `bare Fastify GET /bare/:id`, ...bareResult },
    { route: 'GET /api/v1/runs/:id (auth + rate limit)', ...apiResult },
  ];
  console.table(rows.map(({ statuses, ...r }) => ({ ...r, statuses: JSON.stringify(statuses) })));
  console.log(
    `throughput ratio api/bare: ${ratio} (goal >= 0.5) with ${CONCURRENCY} in flight for ${DURATION_MS / 1000} s each`,
  );
  const results = path.join(ROOT, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  const file = path.join(results, `api-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ concurrency: CONCURRENCY, durationMs: DURATION_MS, ratio, rows }, null, 2)}\n`,
  );
  console.log(`written to ${path.relative(ROOT, file)}`);
  await bare.close();
  await app.close();
  await store.close();
  if (Object.keys(apiResult.statuses).some((s) => s !== '200')) {
    console.error('the API answered something other than 200: see statuses');
    process.exitCode = 1;
  }
} finally {
  tmp.cleanup();
}
