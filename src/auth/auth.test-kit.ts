import assert from 'node:assert/strict';
import type { Store } from '../model/store.js';
import { tableRowCounts } from '../store/inspect.test-kit.js';
import { RefusalError, type RefusalCode } from '../model/errors.js';
import { createArgon2Hasher, type PasswordHasher } from './passwords.js';
import { createAuthService, type AuthServiceOptions } from './service.js';
import type { AuthService, Principal, TierName } from './types.js';

/** A store backend for the auth conformance suite. */
export interface AuthBackend {
  name: string;
  /** A fresh, migrated, empty store. */
  open(): Promise<Store>;
  /**
   * A second store on the database the latest `open()` returned (its own connection, as a
   * second server process would have), for races between processes; absent for `:memory:`.
   */
  openSecond?: () => Promise<Store>;
}

/** Cheap argon2id for tests (about 1 ms); the OWASP defaults are tested in passwords.test.ts. */
export const TEST_ARGON2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** A password that passes the default rules. */
export const PASSWORD = 'correct horse battery staple';

/** Counts of hasher calls, to prove both login paths verify. */
export interface HasherCalls {
  hash: number;
  verify: number;
  verifyDummy: number;
}

/** A hasher that counts its calls around a real (cheap) argon2id one. */
export function countingHasher(
  calls: HasherCalls,
  inner = createArgon2Hasher(TEST_ARGON2),
): PasswordHasher {
  return {
    hash: (p) => (calls.hash++, inner.hash(p)),
    verify: (h, p) => (calls.verify++, inner.verify(h, p)),
    verifyDummy: (p) => (calls.verifyDummy++, inner.verifyDummy(p)),
    needsRehash: (h) => inner.needsRehash(h),
  };
}

/** What each test works with: a store, a service on a movable clock, and a developer. */
export interface Kit {
  store: Store;
  auth: AuthService;
  calls: HasherCalls;
  /** The current fake time; `advance` moves it. Starts at 2030-01-01T10:15:00Z. */
  clock: { now: Date; advance(ms: number): void };
  /** The first user (a developer), logged in. */
  dev: Principal;
  /** A service over a second store on the same database (or the same one when there is none). */
  other(): Promise<AuthService>;
  /** Creates a user of `tier` through the developer and logs them in. */
  userOf(username: string, tier: TierName): Promise<Principal>;
  close(): Promise<void>;
}

/** Opens a kit on a fresh store of `backend`. Close it in a `finally`. */
export async function openKit(
  backend: AuthBackend,
  options: AuthServiceOptions = {},
): Promise<Kit> {
  const store = await backend.open();
  const calls: HasherCalls = { hash: 0, verify: 0, verifyDummy: 0 };
  const clock = {
    now: new Date('2030-01-01T10:15:00.000Z'),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const opts: AuthServiceOptions = {
    hasher: countingHasher(calls),
    now: () => clock.now,
    passwordMinLength: 12,
    ...options,
  };
  const auth = createAuthService(store, opts);
  const seconds: Store[] = [];
  const { token } = await auth.register({ username: 'dev', password: PASSWORD, tier: 'developer' });
  const dev = await auth.authenticate(token);
  return {
    store,
    auth,
    calls,
    clock,
    dev,
    async other() {
      if (!backend.openSecond) return auth;
      const second = await backend.openSecond();
      seconds.push(second);
      return createAuthService(second, opts);
    },
    async userOf(username, tier) {
      await auth.createUser(dev, { username, password: PASSWORD, tier });
      return auth.authenticate((await auth.login({ username, password: PASSWORD })).token);
    },
    async close() {
      for (const s of seconds) await s.close();
      await store.close();
    },
  };
}

/** Runs `fn` with a fresh kit and always closes it. */
export async function withKit(
  backend: AuthBackend,
  fn: (k: Kit) => Promise<void>,
  options?: AuthServiceOptions,
): Promise<void> {
  const k = await openKit(backend, options);
  try {
    await fn(k);
  } finally {
    await k.close();
  }
}

/** Asserts `promise` rejects with an `RefusalError` of `code` (and its HTTP status). */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: RefusalCode,
  message?: RegExp,
): Promise<RefusalError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof RefusalError, `expected RefusalError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected RefusalError ${code}, but it resolved`);
}

/** Row counts of every auth table, to prove a refused call wrote nothing. */
export async function rowCounts(store: Store): Promise<Record<string, number>> {
  return tableRowCounts(store, [
    'users',
    'auth_tokens',
    'rate_windows',
    'user_repos',
    'user_usage',
    'audit_log',
    'runs',
  ]);
}

/**
 * Opens `n` connections in each service's pool (on PostgreSQL) by running `n` cheap reads at
 * once on each, so that a race that follows is not serialised by connection set-up.
 */
export async function warm(services: AuthService[], userId: string, n = 12): Promise<void> {
  await Promise.all(services.flatMap((s) => Array.from({ length: n }, () => s.usage(userId))));
}

/** Settles every promise and counts fulfilled ones and rejections by RefusalError code. */
export async function tally(promises: Array<Promise<unknown>>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await Promise.allSettled(promises)) {
    const key =
      r.status === 'fulfilled'
        ? 'ok'
        : r.reason instanceof RefusalError
          ? r.reason.code
          : `other: ${String(r.reason)}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
