import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentSpecSchema } from '../src/model/agent-spec.js';
import { makeTestApi, PASSWORD, ROLES, type Role, type TestApi } from './api-helpers.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const STAFF: Role[] = ['tester', 'admin', 'developer'];
const MANAGERS: Role[] = ['admin', 'developer'];
const TIERS: Role[] = ['free', 'advanced', 'premium', 'tester', 'admin', 'developer'];

/** One endpoint: who may call it and what they get; everyone else gets `denied`. */
interface Row {
  method: Method;
  path: string;
  url?: (t: Setup) => string | Promise<string>;
  body?: (t: Setup) => unknown;
  /** `public`: no auth at all; else the roles allowed. */
  allow: 'public' | Role[];
  ok: number;
  denied?: 403 | 404 | ((role: Role) => 403 | 404);
  /** The request revokes its token: use a fresh session of the role. */
  freshToken?: boolean;
}

interface Setup extends TestApi {
  runId: string;
  /** A failed run of the free user, set again before each request (an intervention queues it). */
  failedRunId: string;
  victimId: string;
  seq: number;
}

let seq = 0;
const unique = (prefix: string) => `${prefix}${++seq}`;

/** A run of the free user in a given status, straight in the store. */
async function freeRun(t: TestApi, status: 'stopped' | 'failed'): Promise<string> {
  const id = `run-${unique('r')}`;
  await t.store.createRun({
    id,
    source: `${t.root}/app`,
    options: {},
    userId: t.users.free.user.id,
  });
  await t.store.updateRun(id, { status, report: { runId: id, status: 'failed', services: [] } });
  return id;
}

/** A minimal valid agent spec (src/model/agent-spec.ts). */
const SPEC = { phase: 'health', commands: [{ argv: ['node', '-e', '1'] }] };

/** A new agent spec in the store (version 1, enabled); returns its name. */
async function agent(t: TestApi): Promise<string> {
  const name = unique('Agent');
  await t.store.saveAgentSpec({
    spec: AgentSpecSchema.parse({ ...SPEC, name }),
    enabled: true,
    change: 'create',
  });
  return name;
}

/** A new business orchestrator in the store (with a service user); returns its name. */
async function orchestrator(t: TestApi): Promise<string> {
  const name = unique('o');
  const user = await t.auth.createUser(t.developer, {
    username: `org-${name}`,
    password: PASSWORD,
    tier: 'advanced',
  });
  await t.store.createOrchestrator({
    name,
    profile: {},
    userId: user.id,
    createdBy: null,
    createdAt: new Date().toISOString(),
  });
  return name;
}

const MATRIX: Row[] = [
  { method: 'GET', path: '/healthz', allow: 'public', ok: 200 },
  { method: 'GET', path: '/api/v1/tiers', allow: 'public', ok: 200 },
  { method: 'GET', path: '/openapi.json', allow: 'public', ok: 200 },
  { method: 'GET', path: '/docs', allow: 'public', ok: 200 },
  {
    method: 'POST',
    path: '/api/v1/auth/register',
    allow: 'public',
    ok: 201,
    body: () => ({ username: unique('new'), password: PASSWORD }),
  },
  {
    method: 'POST',
    path: '/api/v1/auth/login',
    allow: 'public',
    ok: 200,
    body: () => ({ username: 'free', password: PASSWORD }),
  },
  { method: 'POST', path: '/api/v1/auth/logout', allow: TIERS, ok: 204, freshToken: true },
  {
    method: 'POST',
    path: '/api/v1/auth/tokens',
    allow: TIERS,
    ok: 201,
    body: () => ({ name: 'ci' }),
  },
  { method: 'GET', path: '/api/v1/me', allow: TIERS, ok: 200 },
  { method: 'GET', path: '/api/v1/users', allow: MANAGERS, ok: 200, denied: 403 },
  {
    method: 'POST',
    path: '/api/v1/users',
    allow: MANAGERS,
    ok: 201,
    denied: 403,
    body: () => ({ username: unique('made'), password: PASSWORD, tier: 'free' }),
  },
  {
    method: 'GET',
    path: '/api/v1/users/:id',
    url: (t) => `/api/v1/users/${t.victimId}`,
    allow: MANAGERS,
    ok: 200,
    denied: 403,
  },
  {
    method: 'PATCH',
    path: '/api/v1/users/:id',
    url: (t) => `/api/v1/users/${t.victimId}`,
    allow: MANAGERS,
    ok: 200,
    denied: 403,
    body: () => ({ tier: 'advanced' }),
  },
  {
    method: 'DELETE',
    path: '/api/v1/users/:id',
    url: async (t) =>
      `/api/v1/users/${(await t.auth.createUser(t.developer, { username: unique('gone'), password: PASSWORD, tier: 'free' })).id}`,
    allow: MANAGERS,
    ok: 204,
    denied: 403,
  },
  {
    method: 'GET',
    path: '/api/v1/users/:id/usage',
    url: (t) => `/api/v1/users/${t.users.free.user.id}/usage`,
    allow: ['free', ...MANAGERS],
    ok: 200,
    denied: 403,
  },
  { method: 'GET', path: '/api/v1/audit', allow: STAFF, ok: 200, denied: 403 },
  { method: 'POST', path: '/api/v1/runs', allow: TIERS, ok: 202, body: () => ({ source: 'app' }) },
  { method: 'GET', path: '/api/v1/runs', allow: TIERS, ok: 200 },
  { method: 'GET', path: '/api/v1/runs?all=true', allow: STAFF, ok: 200, denied: 403 },
  {
    method: 'GET',
    path: '/api/v1/runs/:id',
    url: (t) => `/api/v1/runs/${t.runId}`,
    allow: ['free', ...STAFF],
    ok: 200,
    denied: 404,
  },
  {
    method: 'GET',
    path: '/api/v1/runs/:id/report',
    url: (t) => `/api/v1/runs/${t.runId}/report`,
    allow: ['free', ...STAFF],
    ok: 200,
    denied: 404,
  },
  {
    method: 'GET',
    path: '/api/v1/runs/:id/logs',
    url: (t) => `/api/v1/runs/${t.runId}/logs`,
    allow: ['free', ...STAFF],
    ok: 200,
    denied: 404,
  },
  {
    method: 'POST',
    path: '/api/v1/runs/:id/stop',
    url: (t) => `/api/v1/runs/${t.runId}/stop`,
    allow: ['free', ...STAFF],
    ok: 200,
    denied: 404,
  },
  // Staff see every run (403, not 404), but only its owner resumes it.
  {
    method: 'POST',
    path: '/api/v1/runs/:id/resume',
    url: async (t) => `/api/v1/runs/${await freeRun(t, 'failed')}/resume`,
    allow: ['free'],
    ok: 202,
    denied: (role) => (STAFF.includes(role) ? 403 : 404),
  },
  { method: 'POST', path: '/api/v1/plans', allow: TIERS, ok: 200, body: () => ({ source: 'app' }) },
  // The Admin Agent: developer only.
  { method: 'GET', path: '/api/v1/admin-agent/agents', allow: ['developer'], ok: 200 },
  {
    method: 'POST',
    path: '/api/v1/admin-agent/agents',
    allow: ['developer'],
    ok: 201,
    body: () => ({ spec: { ...SPEC, name: unique('Agent') } }),
  },
  {
    method: 'GET',
    path: '/api/v1/admin-agent/agents/:name',
    url: async (t) => `/api/v1/admin-agent/agents/${await agent(t)}`,
    allow: ['developer'],
    ok: 200,
  },
  {
    method: 'POST',
    path: '/api/v1/admin-agent/agents/:name/disable',
    url: async (t) => `/api/v1/admin-agent/agents/${await agent(t)}/disable`,
    allow: ['developer'],
    ok: 200,
  },
  {
    method: 'POST',
    path: '/api/v1/admin-agent/agents/:name/enable',
    url: async (t) => `/api/v1/admin-agent/agents/${await agent(t)}/enable`,
    allow: ['developer'],
    ok: 200,
  },
  {
    method: 'POST',
    path: '/api/v1/admin-agent/agents/:name/rollback',
    url: async (t) => `/api/v1/admin-agent/agents/${await agent(t)}/rollback`,
    body: () => ({ version: 1 }),
    allow: ['developer'],
    ok: 200,
  },
  { method: 'GET', path: '/api/v1/admin-agent/orchestrators', allow: ['developer'], ok: 200 },
  {
    method: 'POST',
    path: '/api/v1/admin-agent/orchestrators',
    allow: ['developer'],
    ok: 201,
    body: () => ({ name: unique('biz-'), profile: { maxFixes: 1 } }),
  },
  {
    method: 'POST',
    path: '/api/v1/admin-agent/orchestrators/:name/tokens',
    url: async (t) => `/api/v1/admin-agent/orchestrators/${await orchestrator(t)}/tokens`,
    body: () => ({ name: 'ci' }),
    allow: ['developer'],
    ok: 201,
  },
  {
    method: 'POST',
    path: '/api/v1/orchestrators/:name/runs',
    url: async (t) => `/api/v1/orchestrators/${await orchestrator(t)}/runs`,
    body: () => ({ source: 'app' }),
    allow: ['developer'],
    ok: 202,
  },
  {
    method: 'GET',
    path: '/api/v1/orchestrators/:name/runs',
    url: async (t) => `/api/v1/orchestrators/${await orchestrator(t)}/runs`,
    allow: ['developer'],
    ok: 200,
  },
  {
    method: 'POST',
    path: '/api/v1/admin-agent/interventions',
    url: () => '/api/v1/admin-agent/interventions',
    body: (t) => ({ runId: t.failedRunId }),
    allow: ['developer'],
    ok: 202,
  },
];

/** The status a role should get from a row. */
function expected(row: Row, role: Role): number {
  if (row.allow === 'public') return row.ok;
  if (role === 'anonymous' || role === 'expired') return 401;
  if (role === 'blocked') return 403;
  if (row.allow.includes(role)) return row.ok;
  return typeof row.denied === 'function' ? row.denied(role) : (row.denied ?? 403);
}

describe('authorization matrix: every role against every endpoint', () => {
  let t: Setup;
  before(async () => {
    const api = await makeTestApi();
    const victim = await api.auth.createUser(api.developer, {
      username: 'victim',
      password: PASSWORD,
      tier: 'free',
    });
    t = Object.assign(api, { runId: '', failedRunId: '', victimId: victim.id, seq: 0 });
    t.runId = await freeRun(t, 'stopped');
  });
  after(async () => t?.close());

  for (const row of MATRIX) {
    it(`${row.method} ${row.path}`, async () => {
      const got: string[] = [];
      const want: string[] = [];
      for (const role of ROLES) {
        // A new rate-limit window per request: free tiers allow 10 an hour.
        t.shiftClock(3600_000);
        let headers = t.headers(role);
        if (row.freshToken && TIERS.includes(role)) {
          const { token } = await t.auth.login({
            username: t.users[role as 'free'].user.username,
            password: PASSWORD,
          });
          headers = { authorization: `Bearer ${token}` };
        }
        t.failedRunId = await freeRun(t, 'failed');
        const body = row.body?.(t);
        const res = await t.app.inject({
          method: row.method,
          url: row.url ? await row.url(t) : row.path,
          headers,
          ...(body === undefined ? {} : { payload: body as object }),
        });
        got.push(`${role}:${res.statusCode}`);
        want.push(`${role}:${expected(row, role)}`);
        if (res.statusCode >= 400) {
          const err = res.json().error;
          assert.ok(err?.code && err?.message, `${role}: error body ${res.body}`);
        }
        if (
          res.statusCode !== 401 &&
          row.allow !== 'public' &&
          role !== 'anonymous' &&
          role !== 'blocked' &&
          role !== 'expired'
        )
          assert.ok(res.headers['ratelimit-limit'], `${role}: RateLimit-Limit missing`);
      }
      assert.deepEqual(got, want);
    });
  }
});
