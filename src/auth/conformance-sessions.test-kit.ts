import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tableRows, warmConnections } from '../store/inspect.test-kit.js';
import { createAuthService } from './service.js';
import { createArgon2Hasher } from './passwords.js';
import {
  PASSWORD,
  TEST_ARGON2,
  countingHasher,
  rejectsWith,
  rowCounts,
  tally,
  warm,
  withKit,
  type AuthBackend,
} from './auth.test-kit.js';
import { newToken, tokenHash } from './tokens.js';

const DAY = 86_400_000;

/** Registration, login (timing, throttle), tokens (expiry, forgery, blocking), logout. */
export function sessionCases(b: AuthBackend): void {
  describe('register', () => {
    it('gives the first user the tier asked for, later users free, and refuses later tier requests', () =>
      withKit(b, async ({ auth, dev, store }) => {
        assert.equal(dev.user.tier, 'developer');
        const { user, token, expiresAt } = await auth.register({
          username: 'Alice',
          password: PASSWORD,
        });
        assert.equal(user.tier, 'free');
        assert.equal(user.username, 'Alice');
        assert.equal((await auth.authenticate(token)).user.id, user.id);
        assert.equal(expiresAt, '2030-01-08T10:15:00.000Z', '7 days');
        await rejectsWith(
          auth.register({ username: 'bob', password: PASSWORD, tier: 'premium' }),
          'FORBIDDEN',
          /first user/,
        );
        await rejectsWith(
          auth.register({ username: 'alice', password: PASSWORD }),
          'CONFLICT',
          /taken/,
        );
        const found = await store.findUserByKey('alice');
        assert.equal(found?.user.username, 'Alice');
        assert.match(found.passwordHash, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
        assert.ok(!found.passwordHash.includes(PASSWORD));
      }));

    it('refuses bad input with 400 and writes nothing (malformed names, SQL, short and long passwords, bad tiers)', () =>
      withKit(b, async ({ auth, store }) => {
        const before = await rowCounts(store);
        const bad: Array<Record<string, unknown>> = [
          { username: "x'; drop table users; --", password: PASSWORD },
          { username: 'ab', password: PASSWORD },
          { username: 'a'.repeat(65), password: PASSWORD },
          { username: 'élodie', password: PASSWORD },
          { username: 42, password: PASSWORD },
          { username: 'carol', password: 'short' },
          { username: 'carol', password: 'x'.repeat(129) },
          { username: 'carol', password: null },
          { username: 'carol', password: PASSWORD, tier: 'root' },
        ];
        for (const input of bad) await rejectsWith(auth.register(input as never), 'BAD_INPUT');
        assert.deepEqual(await rowCounts(store), before);
        const sqlish = "p4ss' OR '1'='1; --";
        await auth.register({ username: 'carol', password: sqlish });
        await auth.login({ username: 'carol', password: sqlish });
        await rejectsWith(
          auth.login({ username: 'carol', password: "' OR '1'='1" }),
          'UNAUTHORIZED',
        );
      }));

    it('lets exactly one of several simultaneous first registrations take a tier', async () => {
      const stores = [await b.open()];
      try {
        if (b.openSecond) stores.push(await b.openSecond());
        const services = stores.map((s) =>
          createAuthService(s, { hasher: createArgon2Hasher(TEST_ARGON2) }),
        );
        await Promise.all(stores.map((s) => warmConnections(s, 10)));
        const results = await tally(
          Array.from({ length: 10 }, (_, i) =>
            services[i % services.length]!.register({
              username: `first${i}`,
              password: PASSWORD,
              tier: 'developer',
            }),
          ),
        );
        assert.deepEqual(results, { ok: 1, FORBIDDEN: 9 });
      } finally {
        for (const s of stores.reverse()) await s.close();
      }
    });
  });

  describe('login', () => {
    it('gives one 401 for a wrong password and an unknown name, and verifies a hash on both paths', () =>
      withKit(b, async ({ auth, calls }) => {
        const before = { ...calls };
        const wrong = await rejectsWith(
          auth.login({ username: 'dev', password: 'not the password' }),
          'UNAUTHORIZED',
        );
        assert.equal(calls.verify, before.verify + 1);
        const unknown = await rejectsWith(
          auth.login({ username: 'nobody', password: 'not the password' }),
          'UNAUTHORIZED',
        );
        assert.equal(
          calls.verifyDummy,
          before.verifyDummy + 1,
          'unknown user verified against the dummy hash',
        );
        assert.equal(wrong.message, unknown.message);
        assert.equal(wrong.hint, unknown.hint);
        const ok = await auth.login({ username: 'DEV', password: PASSWORD });
        assert.equal(ok.user.username, 'dev', 'usernames are case-insensitive');
      }));

    it('throttles repeated failures with a growing delay, never a lockout, and resets on success', () =>
      withKit(b, async ({ auth, clock }) => {
        const fail = () => auth.login({ username: 'dev', password: 'wrong password' });
        for (let i = 0; i < 6; i++) await rejectsWith(fail(), 'UNAUTHORIZED');
        const first = await rejectsWith(fail(), 'RATE_LIMITED');
        assert.equal(first.retryAfterSeconds, 1);
        await rejectsWith(
          auth.login({ username: 'dev', password: PASSWORD }),
          'RATE_LIMITED',
          /too many/,
        );
        clock.advance(1000);
        await rejectsWith(fail(), 'UNAUTHORIZED');
        assert.equal((await rejectsWith(fail(), 'RATE_LIMITED')).retryAfterSeconds, 2);
        clock.advance(3_600_000);
        await auth.login({ username: 'dev', password: PASSWORD });
        for (let i = 0; i < 5; i++) await rejectsWith(fail(), 'UNAUTHORIZED');
      }));

    it('holds the throttle under a burst of simultaneous attempts (counted before verifying)', () =>
      withKit(b, async ({ auth, dev, other }) => {
        const second = await other();
        await warm([auth, second], dev.user.id);
        const results = await tally(
          Array.from({ length: 24 }, (_, i) =>
            (i % 2 ? second : auth).login({ username: 'dev', password: `wrong password ${i}` }),
          ),
        );
        assert.deepEqual(results, { UNAUTHORIZED: 6, RATE_LIMITED: 18 });
      }));

    it('throttles per client address across usernames', () =>
      withKit(b, async ({ auth }) => {
        const tries = Array.from({ length: 22 }, (_, i) => ({
          username: `user${i}`,
          password: 'whatever pw',
          ip: '203.0.113.9',
        }));
        const results = [];
        for (const t of tries)
          results.push(await auth.login(t).catch((e: { code: string }) => e.code));
        assert.deepEqual(results.slice(0, 21), Array(21).fill('UNAUTHORIZED'));
        assert.equal(results[21], 'RATE_LIMITED');
        await auth.login({ username: 'dev', password: PASSWORD, ip: '198.51.100.1' });
      }));

    it('throttles per (account, client): an attacker’s failures never refuse the owner’s right password from another client', () =>
      withKit(b, async ({ auth }) => {
        const attacker = '203.0.113.66';
        const results: string[] = [];
        for (let i = 0; i < 12; i++)
          results.push(
            await auth
              .login({ username: 'dev', password: `guess ${i}`, ip: attacker })
              .then(() => 'OK')
              .catch((e: { code: string }) => e.code),
          );
        // 5 free attempts on the pair, then the growing delay holds the attacker.
        assert.deepEqual(results.slice(0, 5), Array(5).fill('UNAUTHORIZED'));
        assert.equal(results[6], 'RATE_LIMITED');
        await rejectsWith(
          auth.login({ username: 'dev', password: PASSWORD, ip: attacker }),
          'RATE_LIMITED',
        );
        // The owner, from a client that has not failed: in at once, first try.
        const ok = await auth.login({ username: 'dev', password: PASSWORD, ip: '198.51.100.7' });
        assert.equal(ok.user.username, 'dev');
        // …and the owner's success does not lift the attacker's delay.
        await rejectsWith(
          auth.login({ username: 'dev', password: 'guess again', ip: attacker }),
          'RATE_LIMITED',
        );
      }));

    it('refuses a blocked user with 403 even with the right password', () =>
      withKit(b, async ({ auth, dev, userOf }) => {
        const u = await userOf('mallory', 'free');
        await auth.setBlocked(dev, u.user.id, true);
        await rejectsWith(
          auth.login({ username: 'mallory', password: PASSWORD }),
          'FORBIDDEN',
          /blocked/,
        );
      }));

    it('rehashes a password made with other argon2 parameters on login', () =>
      withKit(b, async ({ store, auth }) => {
        await auth.register({ username: 'erin', password: PASSWORD });
        const stronger = createAuthService(store, {
          hasher: countingHasher(
            { hash: 0, verify: 0, verifyDummy: 0 },
            createArgon2Hasher({ ...TEST_ARGON2, memoryCost: 2048 }),
          ),
        });
        await stronger.login({ username: 'erin', password: PASSWORD });
        const found = await store.findUserByKey('erin');
        assert.match(found?.passwordHash ?? '', /m=2048,/);
      }));
  });

  describe('tokens', () => {
    it('stores only the SHA-256 of tokens and refuses malformed, forged and tampered ones with 401', () =>
      withKit(b, async ({ auth, store }) => {
        const { token } = await auth.login({ username: 'dev', password: PASSWORD });
        assert.match(token, /^rr_[A-Za-z0-9_-]{43}$/);
        const rows = await tableRows(store, 'auth_tokens');
        assert.ok(await store.findTokenByHash(tokenHash(token)));
        assert.ok(rows.length > 0);
        assert.ok(!JSON.stringify(rows).includes(token.slice(3)));
        const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
        for (const t of [
          '',
          'Bearer x',
          'rr_short',
          newToken(),
          tampered,
          tokenHash(token),
          `${token} `,
        ])
          await rejectsWith(auth.authenticate(t), 'UNAUTHORIZED');
      }));

    it('expires sessions after 7 days and deletes them when met', () =>
      withKit(b, async ({ auth, clock, store }) => {
        const { token } = await auth.login({ username: 'dev', password: PASSWORD });
        clock.advance(7 * DAY - 1);
        await auth.authenticate(token);
        clock.advance(1);
        await rejectsWith(auth.authenticate(token), 'UNAUTHORIZED', /expired/);
        const rows = await tableRows(store, 'auth_tokens');
        assert.ok(!JSON.stringify(rows).includes(tokenHash(token)), 'the expired row is gone');
      }));

    it('applies a block, an unblock and a tier change on the next request', () =>
      withKit(b, async ({ auth, dev, userOf }) => {
        const u = await userOf('frank', 'free');
        const token = (await auth.login({ username: 'frank', password: PASSWORD })).token;
        await auth.setTier(dev, u.user.id, 'premium');
        assert.equal((await auth.authenticate(token)).user.tier, 'premium');
        await auth.setBlocked(dev, u.user.id, true);
        await rejectsWith(auth.authenticate(token), 'FORBIDDEN', /blocked/);
        await auth.setBlocked(dev, u.user.id, false);
        assert.equal((await auth.authenticate(token)).user.blocked, false);
      }));

    it('logs out one token only', () =>
      withKit(b, async ({ auth }) => {
        const a = await auth.authenticate(
          (await auth.login({ username: 'dev', password: PASSWORD })).token,
        );
        const other = (await auth.login({ username: 'dev', password: PASSWORD })).token;
        const { token } = await auth.login({ username: 'dev', password: PASSWORD });
        await auth.logout(await auth.authenticate(token));
        await rejectsWith(auth.authenticate(token), 'UNAUTHORIZED');
        await auth.authenticate(other);
        await auth.logout(a);
        await auth.logout(a);
      }));

    it('creates API tokens with a default or chosen lifetime and refuses bad names and lifetimes', () =>
      withKit(b, async ({ auth, dev, clock, store }) => {
        const api = await auth.createApiToken(dev, { name: 'ci-deploy' });
        assert.equal(api.expiresAt, '2030-04-01T10:15:00.000Z', '90 days');
        const p = await auth.authenticate(api.token);
        assert.equal(p.tokenKind, 'api');
        const short = await auth.createApiToken(dev, { name: 'one day', ttlDays: 1 });
        const before = await rowCounts(store);
        for (const input of [
          { name: '' },
          { name: 'x'.repeat(65) },
          { name: 'a\nb' },
          { name: 'ok', ttlDays: 0 },
          { name: 'ok', ttlDays: 366 },
          { name: 'ok', ttlDays: 1.5 },
        ])
          await rejectsWith(auth.createApiToken(dev, input), 'BAD_INPUT');
        assert.deepEqual(await rowCounts(store), before);
        clock.advance(DAY);
        await rejectsWith(auth.authenticate(short.token), 'UNAUTHORIZED', /expired/);
        await auth.authenticate(api.token);
      }));

    it('refuses the tokens of a deleted user', () =>
      withKit(b, async ({ auth, dev, userOf }) => {
        const u = await userOf('gina', 'free');
        const { token } = await auth.login({ username: 'gina', password: PASSWORD });
        await auth.deleteUser(dev, u.user.id);
        await rejectsWith(auth.authenticate(token), 'UNAUTHORIZED');
      }));
  });
}
