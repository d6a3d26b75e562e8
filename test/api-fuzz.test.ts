import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { makeTestApi, PASSWORD, type TestApi } from './api-helpers.js';

const ENDPOINTS: Array<[string, string]> = [
  ['GET', '/healthz'],
  ['GET', '/openapi.json'],
  ['POST', '/api/v1/auth/register'],
  ['POST', '/api/v1/auth/login'],
  ['POST', '/api/v1/auth/logout'],
  ['POST', '/api/v1/auth/tokens'],
  ['GET', '/api/v1/me'],
  ['GET', '/api/v1/tiers'],
  ['GET', '/api/v1/users'],
  ['POST', '/api/v1/users'],
  ['GET', '/api/v1/users/:id'],
  ['PATCH', '/api/v1/users/:id'],
  ['DELETE', '/api/v1/users/:id'],
  ['GET', '/api/v1/users/:id/usage'],
  ['GET', '/api/v1/audit'],
  ['POST', '/api/v1/runs'],
  ['GET', '/api/v1/runs'],
  ['GET', '/api/v1/runs/:id'],
  ['GET', '/api/v1/runs/:id/report'],
  ['GET', '/api/v1/runs/:id/logs'],
  ['POST', '/api/v1/runs/:id/stop'],
  ['POST', '/api/v1/runs/:id/resume'],
  ['POST', '/api/v1/plans'],
  ['GET', '/api/v1/admin-agent/agents'],
  ['POST', '/api/v1/admin-agent/agents'],
  ['GET', '/api/v1/admin-agent/agents/:id'],
  ['POST', '/api/v1/admin-agent/agents/:id/disable'],
  ['POST', '/api/v1/admin-agent/agents/:id/enable'],
  ['POST', '/api/v1/admin-agent/agents/:id/rollback'],
  ['POST', '/api/v1/admin-agent/interventions'],
  ['GET', '/api/v1/admin-agent/orchestrators'],
  ['POST', '/api/v1/admin-agent/orchestrators'],
  ['POST', '/api/v1/orchestrators/:id/runs'],
  ['GET', '/api/v1/orchestrators/:id/runs'],
];

const NASTY = [
  "'; DROP TABLE runs; --",
  "1' OR '1'='1",
  '../../../../etc/passwd',
  '..',
  '/etc',
  'file:///etc',
  'ext::sh -c touch% /tmp/pwned',
  '-uhttps://x',
  '%00',
  '\u0000',
  'app/../..',
  '${HOME}',
  '__proto__',
  'constructor',
  '💥'.repeat(50),
  'a'.repeat(5000),
];

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom(...NASTY));
/** Bodies: random JSON, JSON shaped like the real ones with bad content, raw text, huge. */
const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        source: fc.oneof(text, fc.jsonValue()),
        username: fc.oneof(text, fc.integer()),
        password: fc.oneof(text, fc.constant(PASSWORD)),
        tier: fc.oneof(text, fc.constantFrom('free', 'admin', 'developer')),
        blocked: fc.oneof(fc.boolean(), text),
        name: text,
        ttlDays: fc.oneof(fc.integer(), fc.double()),
        options: fc.jsonValue(),
        overrides: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  text,
  fc.constantFrom('{', '{"a":', '[1,2', 'null', '""', '{"__proto__":{"x":1}}', 'x'.repeat(70_000)),
);

describe('fuzz: random bad input to every endpoint', () => {
  let t: TestApi;
  let runId: string;
  before(async () => {
    t = await makeTestApi();
    runId = 'run-fuzz-1';
    await t.store.createRun({
      id: runId,
      source: 'x',
      options: {},
      userId: t.users.developer.user.id,
    });
    await t.store.updateRun(runId, { status: 'stopped' });
  });
  after(async () => t?.close());

  it('never answers 5xx or a stack trace; refusals are { error: { code, message } } and write nothing', async () => {
    const counts = async () =>
      `${(await t.store.listRuns(1000)).length}/${(await t.auth.listUsers(t.developer)).length}`;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS),
        fc.oneof(text, fc.constantFrom(runId, 'victim', t.users.free.user.id)),
        fc.option(body, { nil: undefined }),
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/xml',
          'application/json; charset=latin1',
          'multipart/form-data; boundary=x',
          'garbage/\u00ff',
          '',
        ),
        fc.oneof(
          fc.constant(`Bearer ${t.users.developer.token}`),
          fc.constant(`Bearer ${t.users.free.token}`),
          fc.constant(`Bearer ${t.users.blocked.token}`),
          fc.constant(`Bearer ${t.users.expired.token}`),
          fc.constant(`Bearer ${t.users.developer.token}x`),
          text.map((s) => `Bearer ${s}`),
          text,
          fc.constant(undefined),
        ),
        fc.option(fc.oneof(text, fc.nat().map(String)), { nil: undefined }),
        fc.option(
          fc.string().map((q) => `?${encodeURIComponent(q)}=${encodeURIComponent(q)}`),
          { nil: undefined },
        ),
        async ([method, template], id, payload, contentType, authorization, lastEventId, query) => {
          t.shiftClock(3600_000); // keep the free user under its hourly limit now and then
          const url = template.replace(':id', encodeURIComponent(id)) + (query ?? '');
          const headers: Record<string, string> = {};
          if (payload !== undefined && contentType) headers['content-type'] = contentType;
          if (authorization !== undefined)
            headers.authorization = authorization.replace(/[\r\n]/g, '');
          if (lastEventId !== undefined)
            headers['last-event-id'] = lastEventId.replace(/[\r\n]/g, '');
          const before = await counts();
          let res;
          try {
            res = await t.app.inject({
              method: method as 'GET',
              url,
              headers,
              ...(payload === undefined ? {} : { payload }),
            });
          } catch (err) {
            // light-my-request refuses some header values itself (never reaching the server).
            if (/Invalid character|header/i.test((err as Error).message)) return;
            throw err;
          }
          assert.ok(
            res.statusCode < 500,
            `${method} ${url} -> ${res.statusCode} ${res.body.slice(0, 300)}`,
          );
          assert.doesNotMatch(res.body, /\n\s+at .+:\d+:\d+/, 'a stack trace in the response');
          if (res.statusCode >= 400) {
            const err = res.json().error;
            assert.ok(typeof err?.code === 'string' && typeof err?.message === 'string', res.body);
            assert.equal(await counts(), before, `${method} ${url} was refused but wrote`);
          }
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 600) },
    );
  });

  it('random paths and methods get a JSON 404 (or 405-like 404), never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
        fc.array(
          fc.oneof(fc.string(), fc.constantFrom('..', 'api', 'v1', 'runs', '%2e%2e', '%00')),
          { maxLength: 6 },
        ),
        async (method, parts) => {
          const url = `/${parts.map((p) => encodeURIComponent(p)).join('/')}`;
          const res = await t.app.inject({
            method: method as 'GET',
            url,
            headers: { authorization: `Bearer ${t.users.developer.token}` },
          });
          assert.ok(
            res.statusCode < 500,
            `${method} ${url} -> ${res.statusCode} ${res.body.slice(0, 200)}`,
          );
          assert.doesNotMatch(res.body, /\n\s+at .+:\d+:\d+/);
        },
      ),
      { numRuns: 300 },
    );
  });
});
