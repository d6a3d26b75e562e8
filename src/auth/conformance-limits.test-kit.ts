import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hourWindow } from './rate-limit.js';
import { rejectsWith, tally, warm, withKit, type AuthBackend } from './auth.test-kit.js';

/** Rate limits, max repos, usage and runs per user, on one backend. */
export function limitCases(b: AuthBackend): void {
  describe('rate limits (fixed UTC-hour windows)', () => {
    it('allows the tier limit per hour, then refuses with the seconds to the next hour', () =>
      withKit(b, async ({ auth, userOf, clock }) => {
        const { user } = await userOf('free1', 'free');
        for (let i = 1; i <= 10; i++) {
          const d = await auth.hit(user);
          assert.deepEqual(d, {
            allowed: true,
            limit: 10,
            remaining: 10 - i,
            resetSeconds: 45 * 60,
          });
        }
        assert.deepEqual(await auth.hit(user), {
          allowed: false,
          limit: 10,
          remaining: 0,
          resetSeconds: 2700,
        });
        clock.advance(45 * 60_000 - 1);
        assert.equal((await auth.hit(user)).resetSeconds, 1);
        clock.advance(1);
        assert.deepEqual(await auth.hit(user), {
          allowed: true,
          limit: 10,
          remaining: 9,
          resetSeconds: 3600,
        });
        assert.equal((await auth.usage(user.id)).requests, 11, 'refused requests are not usage');
      }));

    it('lets exactly the remaining allowance through 50 simultaneous requests at the boundary', () =>
      withKit(b, async ({ auth, userOf, other }) => {
        const { user } = await userOf('adv1', 'advanced');
        for (let i = 0; i < 43; i++) await auth.hit(user);
        const second = await other();
        await warm([auth, second], user.id);
        const decisions = await Promise.all(
          Array.from({ length: 50 }, (_, i) => (i % 2 ? second : auth).hit(user)),
        );
        const allowed = decisions.filter((d) => d.allowed);
        assert.equal(allowed.length, 7);
        assert.deepEqual(allowed.map((d) => d.remaining).sort(), [0, 1, 2, 3, 4, 5, 6]);
        assert.equal((await auth.hit(user)).allowed, false);
        assert.equal((await auth.usage(user.id)).requests, 50);
      }));

    it('applies a tier change to the next request against the count already made', () =>
      withKit(b, async ({ auth, dev, userOf }) => {
        const { user } = await userOf('up1', 'free');
        for (let i = 0; i < 10; i++) await auth.hit(user);
        const upgraded = await auth.setTier(dev, user.id, 'advanced');
        assert.deepEqual(await auth.hit(upgraded), {
          allowed: true,
          limit: 50,
          remaining: 39,
          resetSeconds: 2700,
        });
      }));
  });

  describe('max repos', () => {
    it('counts distinct repositories up to the tier max; known ones are always fine', () =>
      withKit(b, async ({ auth, userOf }) => {
        const { user } = await userOf('repo1', 'free');
        for (const r of ['/src/a', '/src/b', '/src/a', 'https://host/org/c.git'])
          await auth.claimRepo(user, r);
        await rejectsWith(auth.claimRepo(user, '/src/d'), 'FORBIDDEN', /3 repositories/);
        await auth.claimRepo(user, '/src/b');
        assert.equal((await auth.usage(user.id)).repos, 3);
        for (const bad of ['', 'a\u0000b', 'x'.repeat(2049)])
          await rejectsWith(auth.claimRepo(user, bad), 'BAD_INPUT');
      }));

    it('lets exactly one of N simultaneous new repositories through at max − 1', () =>
      withKit(b, async ({ auth, userOf, other }) => {
        const { user } = await userOf('repo2', 'free');
        await auth.claimRepo(user, '/src/1');
        await auth.claimRepo(user, '/src/2');
        const second = await other();
        await warm([auth, second], user.id);
        const results = await tally(
          Array.from({ length: 12 }, (_, i) =>
            (i % 2 ? second : auth).claimRepo(user, `/src/new-${i}`),
          ),
        );
        assert.deepEqual(results, { ok: 1, FORBIDDEN: 11 });
        assert.equal((await auth.usage(user.id)).repos, 3);
      }));

    it('lets simultaneous claims of the same new repository all succeed once', () =>
      withKit(b, async ({ auth, userOf }) => {
        const { user } = await userOf('repo3', 'free');
        await auth.claimRepo(user, '/src/1');
        await auth.claimRepo(user, '/src/2');
        assert.deepEqual(
          await tally(Array.from({ length: 8 }, () => auth.claimRepo(user, '/src/3'))),
          { ok: 8 },
        );
        assert.equal((await auth.usage(user.id)).repos, 3);
      }));

    it('keeps the repositories of a downgraded user usable and refuses new ones', () =>
      withKit(b, async ({ auth, dev, userOf }) => {
        const { user } = await userOf('repo4', 'advanced');
        for (let i = 0; i < 5; i++) await auth.claimRepo(user, `/src/${i}`);
        const down = await auth.setTier(dev, user.id, 'free');
        await auth.claimRepo(down, '/src/4');
        await rejectsWith(auth.claimRepo(down, '/src/9'), 'FORBIDDEN');
      }));

    it('refuses a claim for a deleted user with 404', () =>
      withKit(b, async ({ auth, dev, userOf }) => {
        const { user } = await userOf('repo5', 'free');
        await auth.deleteUser(dev, user.id);
        await rejectsWith(auth.claimRepo(user, '/src/x'), 'NOT_FOUND');
      }));
  });

  describe('usage and runs', () => {
    it('counts requests exactly across windows while old windows are folded away', () =>
      withKit(b, async ({ auth, store, userOf, clock }) => {
        const { user } = await userOf('fold1', 'free');
        const windows = async () => (await store.rateWindows(user.id)).length;
        let expected = 0;
        for (const n of [3, 2, 4, 10, 1]) {
          for (let i = 0; i < n; i++) assert.equal((await auth.hit(user)).allowed, true);
          expected += n;
          if (n === 10) assert.equal((await auth.hit(user)).allowed, false, 'the 11th is refused');
          assert.equal((await auth.usage(user.id)).requests, expected);
          assert.ok((await windows()) <= 2, 'at most the current and the previous window');
          clock.advance(3_600_000);
        }
        clock.advance(5 * 3_600_000);
        await auth.hit(user);
        assert.equal((await auth.usage(user.id)).requests, expected + 1);
        assert.equal(await windows(), 1);
        await auth.recordRun(user);
        assert.deepEqual(await auth.usage(user.id), {
          userId: user.id,
          requests: expected + 1,
          runs: 1,
          repos: 0,
          agentCalls: 0,
        });
      }));

    it('adds the folded windows once when folds race, and usage reads stay exact meanwhile', () =>
      withKit(b, async ({ auth, store, userOf, clock, other }) => {
        const { user } = await userOf('fold2', 'premium');
        for (let h = 0; h < 3; h++) {
          for (let i = 0; i < 5; i++) await auth.hit(user);
          clock.advance(3_600_000);
        }
        // A fold of everything before the current window: the three windows hold 15 requests.
        const before = hourWindow(clock.now).start;
        const second = await other();
        await warm([auth, second], user.id);
        const reads = await Promise.all([
          ...Array.from({ length: 6 }, () =>
            store.foldRequests(user.id, before, before).then(() => null),
          ),
          ...Array.from({ length: 6 }, (_, i) => (i % 2 ? second : auth).usage(user.id)),
        ]);
        for (const r of reads) if (r) assert.equal(r.requests, 15);
        assert.equal((await auth.usage(user.id)).requests, 15);
        await auth.hit(user);
        assert.equal((await second.usage(user.id)).requests, 16);
      }));

    it('counts requests, runs, repos and agent calls per user', () =>
      withKit(b, async ({ auth, userOf }) => {
        const { user } = await userOf('use1', 'premium');
        await auth.hit(user);
        await auth.recordRun(user);
        await auth.recordRun(user, { agentCalls: 3 });
        await auth.recordAgentCalls(user, 2);
        await auth.claimRepo(user, '/src/a');
        assert.deepEqual(await auth.usage(user.id), {
          userId: user.id,
          requests: 1,
          runs: 2,
          repos: 1,
          agentCalls: 5,
        });
        await rejectsWith(auth.recordAgentCalls(user, -1), 'BAD_INPUT');
        await rejectsWith(auth.usage('no-such-user'), 'NOT_FOUND');
        const fresh = await userOf('use2', 'free');
        assert.deepEqual(await auth.usage(fresh.user.id), {
          userId: fresh.user.id,
          requests: 0,
          runs: 0,
          repos: 0,
          agentCalls: 0,
        });
      }));

    it('keeps runs per user, lists them by user, and keeps them (unowned) when the user is deleted', () =>
      withKit(b, async ({ auth, dev, store, userOf }) => {
        const { user } = await userOf('runner', 'free');
        await store.createRun({ id: 'r-anon', source: '.', options: {} });
        await store.createRun({ id: 'r-user', source: '.', options: {}, userId: user.id });
        await store.createRun({ id: 'r-dev', source: '.', options: {}, userId: dev.user.id });
        assert.deepEqual(
          (await store.listRuns(50, { userId: user.id })).map((r) => r.id),
          ['r-user'],
        );
        assert.equal((await store.listRuns()).length, 3);
        assert.equal((await store.getRun('r-anon'))?.userId, null);
        await auth.deleteUser(dev, user.id);
        assert.equal((await store.getRun('r-user'))?.userId, null);
        await assert.rejects(
          store.createRun({ id: 'r-ghost', source: '.', options: {}, userId: 'ghost' }),
        );
      }));
  });
}
