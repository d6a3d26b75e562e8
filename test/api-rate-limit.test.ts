import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTestApi, type TestApi } from './api-helpers.js';

describe('rate limits over the API', () => {
  let t: TestApi;
  before(async () => {
    t = await makeTestApi();
  });
  after(async () => t?.close());

  it('counts every authenticated request: RateLimit-* headers, then 429 with Retry-After, then a new window', async () => {
    t.shiftClock(3600_000); // a fresh window for the free user
    const me = () => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: t.headers('free') });
    for (let i = 1; i <= 10; i++) {
      const res = await me();
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['ratelimit-limit'], '10');
      assert.equal(res.headers['ratelimit-remaining'], String(10 - i));
      const reset = Number(res.headers['ratelimit-reset']);
      assert.ok(reset > 0 && reset <= 3600, `RateLimit-Reset ${reset}`);
      assert.equal(res.headers['retry-after'], undefined);
    }
    const refused = await me();
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers['ratelimit-remaining'], '0');
    const retry = Number(refused.headers['retry-after']);
    assert.ok(retry >= 1 && retry <= 3600, `Retry-After ${retry}`);
    assert.equal(refused.headers['retry-after'], refused.headers['ratelimit-reset']);
    const err = refused.json().error;
    assert.equal(err.code, 'RATE_LIMITED');
    assert.match(err.message, /10 requests per hour/);
    assert.match(err.hint, /wait \d+ s/);

    // A refused request writes nothing: no run is made.
    const before = (await t.store.listRuns(100)).length;
    const run = await t.app.inject({
      method: 'POST',
      url: '/api/v1/runs',
      headers: t.headers('free'),
      payload: { source: 'app' },
    });
    assert.equal(run.statusCode, 429);
    assert.equal((await t.store.listRuns(100)).length, before);

    t.shiftClock(3600_000);
    const again = await me();
    assert.equal(again.statusCode, 200);
    assert.equal(again.headers['ratelimit-remaining'], '9');
  });

  it('the developer tier allows 10000 an hour; unauthenticated endpoints carry no RateLimit headers', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: t.headers('developer'),
    });
    assert.equal(res.headers['ratelimit-limit'], '10000');
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.headers['ratelimit-limit'], undefined);
    assert.ok(health.headers['x-request-id']);
  });

  it('throttles registration per client address: 5, then 429 with Retry-After; another client is not affected', async () => {
    t.shiftClock(2 * 86_400_000); // past any earlier registration of this address
    const register = (username: string, remoteAddress: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        remoteAddress,
        payload: { username, password: 'correct horse battery' },
      });
    for (let i = 0; i < 5; i++) {
      const res = await register(`farm${i}`, '203.0.113.50');
      assert.equal(res.statusCode, 201, res.body);
    }
    const refused = await register('farm5', '203.0.113.50');
    assert.equal(refused.statusCode, 429, refused.body);
    assert.equal(refused.headers['retry-after'], '60');
    assert.equal(refused.json().error.code, 'RATE_LIMITED');
    assert.match(refused.json().error.message, /too many registrations from this address/);
    assert.equal(
      await t.store.findUserByKey('farm5'),
      undefined,
      'a refused registration wrote a user',
    );
    const other = await register('farm5', '198.51.100.23');
    assert.equal(other.statusCode, 201, 'another client was refused');
    t.shiftClock(60_000);
    assert.equal((await register('farm6', '203.0.113.50')).statusCode, 201, 'the delay ended');
    assert.equal((await register('farm7', '203.0.113.50')).statusCode, 429, 'the delay doubles');
  });
});
