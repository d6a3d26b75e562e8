import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../model/store.js';
import { RefusalError } from '../model/errors.js';
import { createArgon2Hasher } from './passwords.js';
import { createAuthService } from './service.js';
import { TEST_ARGON2 } from './auth.test-kit.js';
import type { AuthService } from './types.js';

/** Awaits `p`; a typed RefusalError is fine, anything else (a SQL error, a TypeError) fails. */
async function typedOnly(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof RefusalError, `not an RefusalError: ${String(err)}`);
    assert.ok(err.status >= 400 && err.status < 500);
  }
}

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    "'; drop table users; --",
    "admin' --",
    '" OR 1=1',
    '\u0000',
    'rr_' + 'A'.repeat(43),
  ),
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,70}$/),
  fc.anything(),
);

describe('AuthService under random input (property)', () => {
  let store: Store;
  let auth: AuthService;
  before(async () => {
    store = await openSqliteStore(':memory:');
    auth = createAuthService(store, { hasher: createArgon2Hasher(TEST_ARGON2) });
    await auth.register({
      username: 'dev',
      password: 'correct horse battery staple',
      tier: 'developer',
    });
  });
  after(() => store.close());

  it('register, login, authenticate, createApiToken, setTier and claimRepo only ever refuse with an RefusalError', async () => {
    const dev = await auth.authenticate(
      (await auth.login({ username: 'dev', password: 'correct horse battery staple' })).token,
    );
    await fc.assert(
      fc.asyncProperty(text, text, text, async (a, b, c) => {
        await typedOnly(auth.register({ username: a, password: b, tier: c } as never));
        await typedOnly(auth.login({ username: a, password: b } as never));
        await typedOnly(auth.authenticate(a as never));
        await typedOnly(auth.createApiToken(dev, { name: a, ttlDays: c } as never));
        await typedOnly(auth.setTier(dev, typeof a === 'string' ? a : 'x', c as never));
        await typedOnly(auth.claimRepo(dev.user, a as never));
      }),
      { numRuns: Number(process.env.RUNS ?? 200) },
    );
    const tables = await store.listUsers();
    assert.ok(tables.every((u) => /^[A-Za-z0-9_.-]{3,64}$/.test(u.username)));
  });
});
