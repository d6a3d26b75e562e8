import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PASSWORD,
  rejectsWith,
  rowCounts,
  tally,
  warm,
  withKit,
  type AuthBackend,
} from './auth.test-kit.js';

/** User management, the one-admin rule, authorization and the audit log, on one backend. */
export function userCases(b: AuthBackend): void {
  describe('user management', () => {
    it('lets the developer list, get, create, block, unblock, re-tier and delete users', () =>
      withKit(b, async ({ auth, dev }) => {
        const u = await auth.createUser(dev, {
          username: 'hank',
          password: PASSWORD,
          tier: 'premium',
        });
        assert.equal(u.tier, 'premium');
        assert.deepEqual(
          (await auth.listUsers(dev)).map((x) => x.username),
          ['dev', 'hank'],
        );
        assert.deepEqual(await auth.getUser(dev, u.id), u);
        assert.equal((await auth.setBlocked(dev, u.id, true)).blocked, true);
        assert.equal((await auth.setBlocked(dev, u.id, false)).blocked, false);
        assert.equal((await auth.setTier(dev, u.id, 'advanced')).tier, 'advanced');
        await auth.deleteUser(dev, u.id);
        await rejectsWith(auth.getUser(dev, u.id), 'NOT_FOUND');
        await rejectsWith(auth.deleteUser(dev, u.id), 'NOT_FOUND');
        await rejectsWith(auth.setTier(dev, 'nope', 'free'), 'NOT_FOUND');
        await rejectsWith(auth.setBlocked(dev, 'nope', true), 'NOT_FOUND');
      }));

    it('refuses user management to tiers without users:manage (tester included) with 403', () =>
      withKit(b, async ({ auth, dev, userOf }) => {
        for (const tier of ['free', 'advanced', 'premium', 'tester'] as const) {
          const p = await userOf(`no-${tier}`, tier);
          await rejectsWith(auth.listUsers(p), 'FORBIDDEN', /users:manage/);
          await rejectsWith(auth.getUser(p, dev.user.id), 'FORBIDDEN');
          await rejectsWith(
            auth.createUser(p, { username: `x-${tier}`, password: PASSWORD, tier: 'free' }),
            'FORBIDDEN',
          );
          await rejectsWith(auth.setBlocked(p, dev.user.id, true), 'FORBIDDEN');
          await rejectsWith(auth.setTier(p, p.user.id, 'developer'), 'FORBIDDEN');
          await rejectsWith(auth.deleteUser(p, dev.user.id), 'FORBIDDEN');
        }
        const tester = await auth.authenticate(
          (await auth.login({ username: 'no-tester', password: PASSWORD })).token,
        );
        assert.equal(auth.can(tester, 'runs:all'), true);
        assert.equal(auth.can(tester, 'audit:read'), true);
        assert.equal(auth.can(tester, 'admin-agent'), false);
        assert.ok((await auth.audit(tester)).length > 0);
      }));

    it('refuses changes to one’s own account, and developer accounts to an admin', () =>
      withKit(b, async ({ auth, dev, userOf }) => {
        await rejectsWith(auth.setBlocked(dev, dev.user.id, true), 'FORBIDDEN', /own account/);
        await rejectsWith(auth.deleteUser(dev, dev.user.id), 'FORBIDDEN', /own account/);
        await rejectsWith(auth.setTier(dev, dev.user.id, 'free'), 'FORBIDDEN', /own account/);
        const admin = await userOf('root', 'admin');
        const free = await userOf('ivy', 'free');
        await rejectsWith(auth.setBlocked(admin, dev.user.id, true), 'FORBIDDEN', /developer/);
        await rejectsWith(auth.setTier(admin, free.user.id, 'developer'), 'FORBIDDEN', /developer/);
        await rejectsWith(
          auth.createUser(admin, { username: 'dev2', password: PASSWORD, tier: 'developer' }),
          'FORBIDDEN',
        );
        assert.equal((await auth.setTier(admin, free.user.id, 'tester')).tier, 'tester');
        await auth.setBlocked(admin, free.user.id, true);
        await auth.deleteUser(admin, free.user.id);
      }));

    it('validates management input with 400 and writes nothing', () =>
      withKit(b, async ({ auth, dev, store }) => {
        const before = await rowCounts(store);
        await rejectsWith(
          auth.createUser(dev, { username: 'ok-name', password: PASSWORD, tier: 'god' as never }),
          'BAD_INPUT',
        );
        await rejectsWith(
          auth.createUser(dev, { username: "1' or 1=1", password: PASSWORD, tier: 'free' }),
          'BAD_INPUT',
        );
        await rejectsWith(
          auth.createUser(dev, { username: 'ok-name', password: 'short', tier: 'free' }),
          'BAD_INPUT',
        );
        await rejectsWith(auth.setTier(dev, dev.user.id, 'superuser' as never), 'BAD_INPUT');
        await rejectsWith(
          auth.createUser(dev, { username: 'DEV', password: PASSWORD, tier: 'free' }),
          'CONFLICT',
        );
        assert.deepEqual(await rowCounts(store), before);
      }));
  });

  describe('exactly one admin', () => {
    it('refuses a second admin and never demotes or deletes the admin (409)', () =>
      withKit(b, async ({ auth, dev, userOf }) => {
        const admin = await userOf('root', 'admin');
        const other = await userOf('jack', 'tester');
        await rejectsWith(
          auth.createUser(dev, { username: 'root2', password: PASSWORD, tier: 'admin' }),
          'CONFLICT',
          /already an admin/,
        );
        await rejectsWith(
          auth.setTier(dev, other.user.id, 'admin'),
          'CONFLICT',
          /already an admin/,
        );
        await rejectsWith(auth.setTier(dev, admin.user.id, 'free'), 'CONFLICT', /one admin/);
        await rejectsWith(auth.deleteUser(dev, admin.user.id), 'CONFLICT', /one admin/);
        assert.equal((await auth.setTier(dev, admin.user.id, 'admin')).tier, 'admin');
        const admins = (await auth.listUsers(dev)).filter((u) => u.tier === 'admin');
        assert.deepEqual(
          admins.map((u) => u.username),
          ['root'],
        );
      }));

    it('lets exactly one of simultaneous promotions and creations become admin', () =>
      withKit(b, async ({ auth, dev, other }) => {
        const second = await other();
        const ids = [];
        for (let i = 0; i < 6; i++)
          ids.push(
            (await auth.createUser(dev, { username: `cand${i}`, password: PASSWORD, tier: 'free' }))
              .id,
          );
        await warm([auth, second], dev.user.id);
        const results = await tally([
          ...ids.map((id, i) => (i % 2 ? second : auth).setTier(dev, id, 'admin')),
          ...[0, 1, 2, 3].map((i) =>
            (i % 2 ? second : auth).createUser(dev, {
              username: `new${i}`,
              password: PASSWORD,
              tier: 'admin',
            }),
          ),
        ]);
        assert.deepEqual(results, { ok: 1, CONFLICT: 9 });
        assert.equal((await auth.listUsers(dev)).filter((u) => u.tier === 'admin').length, 1);
      }));
  });

  describe('audit log', () => {
    it('records every security-relevant action, newest first, without secrets', () =>
      withKit(b, async ({ auth, dev }) => {
        await rejectsWith(
          auth.login({ username: 'dev', password: 'a wrong password' }),
          'UNAUTHORIZED',
        );
        await rejectsWith(
          auth.login({ username: 'ghost', password: 'a wrong password' }),
          'UNAUTHORIZED',
        );
        const session = await auth.login({ username: 'dev', password: PASSWORD, ip: '192.0.2.7' });
        const api = await auth.createApiToken(dev, { name: 'bot' });
        const u = await auth.createUser(dev, { username: 'kim', password: PASSWORD, tier: 'free' });
        await auth.setBlocked(dev, u.id, true);
        await auth.setBlocked(dev, u.id, false);
        await auth.setTier(dev, u.id, 'premium');
        await auth.deleteUser(dev, u.id);
        await auth.logout(await auth.authenticate(session.token));
        const entries = await auth.audit(dev);
        assert.deepEqual(
          entries.map((e) => e.action),
          [
            'logout',
            'user-delete',
            'tier-change',
            'user-unblock',
            'user-block',
            'user-create',
            'token-create',
            'login',
            'login-failed',
            'login-failed',
            'register',
          ],
        );
        assert.deepEqual(entries[2]!.details, { username: 'kim', from: 'free', to: 'premium' });
        assert.equal(entries[1]!.actorId, dev.user.id);
        assert.equal(entries[1]!.targetId, u.id);
        assert.equal(entries[8]!.actorId, null);
        assert.equal(entries[8]!.details.reason, 'unknown-user');
        assert.equal(entries[9]!.details.reason, 'wrong-password');
        assert.equal(entries[9]!.targetId, dev.user.id);
        const text = JSON.stringify(entries);
        for (const secret of [PASSWORD, 'a wrong password', session.token, api.token])
          assert.ok(!text.includes(secret));
        assert.deepEqual(
          (await auth.audit(dev, { limit: 2 })).map((e) => e.action),
          ['logout', 'user-delete'],
        );
        assert.equal((await auth.audit(dev, { userId: u.id })).length, 5);
        assert.ok(entries.every((e, i) => i === 0 || e.id < entries[i - 1]!.id));
      }));

    it('is refused (403) to tiers without audit:read', () =>
      withKit(b, async ({ auth, userOf }) => {
        await rejectsWith(auth.audit(await userOf('pat', 'premium')), 'FORBIDDEN', /audit/);
      }));
  });
}
