/**
 * `npm run bench:api`: requests/s and p99 latency of `GET /api/v1/runs/:id` with
 * authentication and rate limiting on (the real AuthService over the SQLite store, as
 * `repo-runner serve` opens it, no request logging), against a bare Fastify route returning
 * the same JSON, and against the same handler's store reads without auth or limits (so the
 * cost of authentication and rate limiting shows on its own), in the same process, over loopback HTTP with keep-alive and `CONCURRENCY`
 * requests in flight. Goal (issue #6): the API at least half the bare route's throughput.
 *
 * The two routes are measured in alternating rounds (`BENCH_ROUNDS`, the order flipping each
 * round) that add up to `BENCH_SECONDS` per route, so that a machine whose load changes
 * during the run slows both alike and the ratio stays comparable. Prints one table and the
 * ratio, and writes the numbers to bench/results/api-<date>.json (gitignored).
 *
 * The bench users are developer tier (10 000 requests/hour each); requests rotate over
 * enough of them that none is refused (a status other than 200 fails the bench).
 */
import { Agent, request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { createAuthService } from '../src/auth/service.js';
import { buildServer } from '../src/server/app.js';
import { runSummary } from '../src/server/run-access.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { ROOT, tempDir } from '../test/helpers.js';

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const GOAL = 0.5;
/** Developer users to spread requests over: 16 × 10 000/hour is far above what 2 × 5 s can send. */
const USERS = 16;

/** What one route did over all its rounds. */
interface Sample {
  latencies: number[];
  elapsedMs: number;
  statuses: Record<number, number>;
}

/** Keeps CONCURRENCY requests in flight for `ms`, adding to `into`; `headers(i)` picks the i-th request's headers. */
async function load(
  port: number,
  urlPath: string,
  ms: number,
  headers: (i: number) => Record<string, string>,
  into: Sample,
): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let n = 0;
  const deadline = performance.now() + ms;
  const one = (i: number) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: urlPath, agent, headers: headers(i) },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const status = await one(n++);
        into.latencies.push(performance.now() - t0);
        into.statuses[status] = (into.statuses[status] ?? 0) + 1;
      }
    }),
  );
  into.elapsedMs += performance.now() - started;
  agent.destroy();
}

function summarise(route: string, s: Sample) {
  const sorted = [...s.latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    route,
    requests: sorted.length,
    perSecond: Math.round((sorted.length / s.elapsedMs) * 1000),
    p50Ms: Number(at(0.5).toFixed(2)),
    p99Ms: Number(at(0.99).toFixed(2)),
    statuses: s.statuses,
  };
}

const tmp = tempDir('bench-api');
try {
  const home = path.join(tmp.dir, 'home');
  const store = await openSqliteStore(path.join(home, 'repo-runner.db'));
  const auth = createAuthService(store, { env: {} });
  const app = await buildServer({ store, home, auth, recover: false, logger: false });
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
  // Every request goes to one of the users, in turn.
  const apiHeaders = (i: number) => ({ authorization: `Bearer ${tokens[i % tokens.length]}` });

  const bare = Fastify({ logger: false });
  const detail = await app.inject({
    method: 'GET',
    url: `/api/v1/runs/${runId}`,
    headers: apiHeaders(0),
  });
  const body = detail.json();
  bare.get('/bare/:id', async () => body);
  // The same handler's work (the run and its phases from the store) without auth or limits:
  // the ratio to this one is what authentication and rate limiting cost.
  bare.get<{ Params: { id: string } }>('/noauth/:id', async (req) => {
    const run = await store.getRun(req.params.id);
    if (!run) throw new Error('no run');
    return { ...runSummary(run), phases: await store.getPhases(run.id), report: run.report };
  });
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const barePort = (bare.server.address() as { port: number }).port;

  const routes = {
    bare: { port: barePort, path: `/bare/${runId}`, headers: () => ({}) },
    noauth: { port: barePort, path: `/noauth/${runId}`, headers: () => ({}) },
    api: { port: apiPort, path: `/api/v1/runs/${runId}`, headers: apiHeaders },
  };
  const fresh = (): Sample => ({ latencies: [], elapsedMs: 0, statuses: {} });
  // Warm both up (JIT, connections), then measure in alternating rounds.
  for (const r of Object.values(routes)) await load(r.port, r.path, 500, r.headers, fresh());
  const samples = { bare: fresh(), noauth: fresh(), api: fresh() };
  const loadAverage = os.loadavg();
  for (let round = 0; round < ROUNDS; round++) {
    const order =
      round % 2 === 0 ? (['bare', 'noauth', 'api'] as const) : (['api', 'noauth', 'bare'] as const);
    for (const name of order) {
      const r = routes[name];
      await load(r.port, r.path, DURATION_MS / ROUNDS, r.headers, samples[name]);
    }
  }
  const bareResult = summarise('bare Fastify GET /bare/:id', samples.bare);
  const noauthResult = summarise('same reads, no auth GET /noauth/:id', samples.noauth);
  const apiResult = summarise('GET /api/v1/runs/:id (auth + rate limit)', samples.api);
  const ratio = Number((apiResult.perSecond / bareResult.perSecond).toFixed(2));
  const authRatio = Number((apiResult.perSecond / noauthResult.perSecond).toFixed(2));
  const met = ratio >= GOAL;

  const rows = [bareResult, noauthResult, apiResult];
  console.table(
    Object.fromEntries(
      rows.map(({ route, requests, perSecond, p50Ms, p99Ms, statuses }) => [
        route,
        {
          'req/s': perSecond,
          'p50 ms': p50Ms,
          'p99 ms': p99Ms,
          requests,
          statuses: JSON.stringify(statuses),
        },
      ]),
    ),
  );
  console.log(
    `throughput ratio api/noauth (the cost of auth + rate limiting on the same reads): ${authRatio}`,
  );
  console.log(
    `throughput ratio api/bare: ${ratio}: goal >= ${GOAL} ${met ? 'met' : 'NOT met'} ` +
      `(${CONCURRENCY} in flight, ${DURATION_MS / 1000} s per route in ${ROUNDS} alternating rounds, ` +
      `load average ${loadAverage.map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs)`,
  );
  const results = path.join(ROOT, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  const file = path.join(results, `api-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        cpus: os.cpus().length,
        loadAverage,
        concurrency: CONCURRENCY,
        durationMs: DURATION_MS,
        rounds: ROUNDS,
        goal: GOAL,
        ratio,
        authRatio,
        met,
        rows,
      },
      null,
      2,
    )}\n`,
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
