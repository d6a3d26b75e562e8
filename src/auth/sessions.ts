import type { AuthContext } from './context.js';
import { forbidden, invalidCredentials, invalidToken, rateLimited } from './errors.js';
import { loginKeys, reserveAttempt } from './login-throttle.js';
import { reserveRegistration } from './register-throttle.js';
import { isWellFormedToken, newId, newToken, tokenHash } from './tokens.js';
import type { IssuedToken, Principal, TierName, User } from './types.js';
import { userOf } from './user-writes.js';
import {
  usernameKey,
  validatePassword,
  validateTier,
  validateTokenName,
  validateTtlDays,
  validateUsername,
} from './validation.js';

const blocked = () =>
  forbidden('this account is blocked', 'ask an admin or developer to unblock it');

/** Issues a token of `kind` for `user`, storing only its hash. */
export async function issueToken(
  ctx: AuthContext,
  user: User,
  kind: 'session' | 'api',
  ttlMs: number,
  name: string | null = null,
): Promise<IssuedToken & { id: string }> {
  const now = ctx.now();
  const token = newToken();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  const id = newId();
  await ctx.store.insertToken(
    { id, userId: user.id, kind, name, hash: tokenHash(token), expiresAt },
    now.toISOString(),
  );
  return { id, token, expiresAt, user };
}

/**
 * `AuthService.register`: validate, count against the client's registration throttle (when
 * `ip` is given), hash, insert (first-user rule), audit, issue a session.
 */
export async function register(
  ctx: AuthContext,
  input: { username: unknown; password: unknown; tier?: unknown; ip?: string },
): Promise<IssuedToken> {
  const username = validateUsername(input.username);
  const password = validatePassword(input.password, ctx.passwordMinLength);
  const tier: TierName = input.tier === undefined ? 'free' : validateTier(input.tier);
  if (input.ip) await reserveRegistration(ctx.store, input.ip, ctx.registerThrottle, ctx.now());
  const passwordHash = await ctx.hasher.hash(password);
  const now = ctx.now().toISOString();
  const write = await ctx.store.insertUser(
    {
      id: newId(),
      username,
      usernameKey: usernameKey(username),
      passwordHash,
      tier,
      onlyFirstMayChoose: true,
    },
    now,
  );
  const user = userOf(write, { username, tier });
  await ctx.store.appendAudit(
    { action: 'register', actorId: user.id, targetId: user.id, details: { username, tier } },
    now,
  );
  const { id: _id, ...issued } = await issueToken(ctx, user, 'session', ctx.sessionTtlMs);
  return issued;
}

/**
 * `AuthService.login`. Attempts are counted (per client IP, and per username from that
 * client: see `loginKeys`) before the password is checked; an unknown username is checked against a dummy hash, so both
 * failures take one argon2 verification and give the same 401.
 */
export async function login(
  ctx: AuthContext,
  input: { username: unknown; password: unknown; ip?: string },
): Promise<IssuedToken> {
  const username = validateUsername(input.username);
  const password = validatePassword(input.password, 0);
  const now = ctx.now();
  const iso = now.toISOString();
  const { client, account } = loginKeys(usernameKey(username), input.ip, ctx.throttle);
  for (const { key, free } of client ? [client, account] : [account]) {
    const r = await reserveAttempt(ctx.store, key, free, ctx.throttle, now);
    if (!r.allowed)
      throw rateLimited(
        'too many login attempts for this username from this address, or from this address',
        `wait ${Math.ceil(r.retryAfterMs / 1000)} s and try again (Retry-After); delays grow with each failure and reset after an hour`,
        r.retryAfterMs / 1000,
      );
    if (r.nowThrottled)
      await ctx.store.appendAudit(
        {
          action: 'login-throttled',
          actorId: null,
          targetId: null,
          details: { username, ip: input.ip ?? null, key: key.split(':')[0] },
        },
        iso,
      );
  }
  const found = await ctx.store.findUserByKey(usernameKey(username));
  const ok = found
    ? await ctx.hasher.verify(found.passwordHash, password)
    : await ctx.hasher.verifyDummy(password);
  if (!found || !ok) {
    await ctx.store.appendAudit(
      {
        action: 'login-failed',
        actorId: null,
        targetId: found?.user.id ?? null,
        details: {
          username,
          ip: input.ip ?? null,
          reason: found ? 'wrong-password' : 'unknown-user',
        },
      },
      iso,
    );
    throw invalidCredentials();
  }
  await ctx.store.clearLoginAttempts(account.key);
  if (client) await ctx.store.refundLoginAttempt(client.key);
  const { user } = found;
  if (user.blocked) throw blocked();
  if (ctx.hasher.needsRehash(found.passwordHash))
    await ctx.store.updatePasswordHash(user.id, await ctx.hasher.hash(password), iso);
  await ctx.store.deleteExpiredTokens(user.id, iso);
  const { id, ...issued } = await issueToken(ctx, user, 'session', ctx.sessionTtlMs);
  await ctx.store.appendAudit(
    {
      action: 'login',
      actorId: user.id,
      targetId: user.id,
      details: { tokenId: id, ip: input.ip ?? null },
    },
    iso,
  );
  return issued;
}

/** `AuthService.authenticate`: format check, hash lookup, expiry, then the user as stored now. */
export async function authenticate(ctx: AuthContext, token: unknown): Promise<Principal> {
  if (!isWellFormedToken(token)) throw invalidToken('malformed (expected rr_ and 43 characters)');
  const found = await ctx.store.findTokenByHash(tokenHash(token));
  if (!found) throw invalidToken();
  if (found.expiresAt <= ctx.now().toISOString()) {
    await ctx.store.deleteToken(found.id);
    throw invalidToken('expired');
  }
  if (found.user.blocked) throw blocked();
  return { user: found.user, tokenId: found.id, tokenKind: found.kind };
}

/** `AuthService.logout`: deletes the principal's token (idempotent). */
export async function logout(ctx: AuthContext, p: Principal): Promise<void> {
  await ctx.store.deleteToken(p.tokenId);
  const now = ctx.now().toISOString();
  await ctx.store.appendAudit(
    {
      action: 'logout',
      actorId: p.user.id,
      targetId: p.user.id,
      details: { tokenId: p.tokenId, kind: p.tokenKind },
    },
    now,
  );
}

/** `AuthService.createApiToken`: a named token of `ttlDays` (default from the options). */
export async function createApiToken(
  ctx: AuthContext,
  p: Principal,
  input: { name: unknown; ttlDays?: unknown },
): Promise<IssuedToken> {
  const name = validateTokenName(input.name);
  const days =
    input.ttlDays === undefined
      ? ctx.apiTokenTtlDays
      : validateTtlDays(input.ttlDays, ctx.maxApiTokenTtlDays);
  const { id, ...issued } = await issueToken(ctx, p.user, 'api', days * 86_400_000, name);
  await ctx.store.appendAudit(
    {
      action: 'token-create',
      actorId: p.user.id,
      targetId: p.user.id,
      details: { tokenId: id, name, expiresAt: issued.expiresAt },
    },
    ctx.now().toISOString(),
  );
  return issued;
}
