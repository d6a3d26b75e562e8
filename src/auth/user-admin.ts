import { requirePermission, type AuthContext } from './context.js';
import { forbidden } from './errors.js';
import { newId } from './tokens.js';
import type { Principal, TierName, User } from './types.js';
import { requireUser, userOf } from './user-writes.js';
import { usernameKey, validatePassword, validateTier, validateUsername } from './validation.js';

/*
 * User management (`users:manage`: admin and developer; ARCHITECTURE.md §3). Two rules on top
 * of the one-admin rule the store enforces:
 * - nobody blocks, deletes or re-tiers their own account (no accidental self-lockout, and the
 *   admin cannot slip out of the one-admin rule through their own account);
 * - only a developer creates, changes or deletes a developer account or grants the developer
 *   tier, so an admin cannot give anyone (through a second account) the Admin Agent.
 */

const manage = (actor: Principal) => requirePermission(actor, 'users:manage', 'manage users');

function notSelf(actor: Principal, id: string, what: string): void {
  if (actor.user.id === id)
    throw forbidden(
      `you cannot ${what} your own account`,
      'ask another admin or developer to do it',
    );
}

function developerOnly(actor: Principal, tiers: TierName[]): void {
  if (actor.user.tier !== 'developer' && tiers.includes('developer'))
    throw forbidden(
      'only a developer can create, change or delete developer accounts or grant the developer tier',
      'ask a developer',
    );
}

/** `AuthService.listUsers`. @throws RefusalError 403 without `users:manage`. */
export async function listUsers(ctx: AuthContext, actor: Principal): Promise<User[]> {
  manage(actor);
  return ctx.store.listUsers();
}

/** `AuthService.getUser`. @throws RefusalError 403, 404. */
export async function getUser(ctx: AuthContext, actor: Principal, id: string): Promise<User> {
  manage(actor);
  return requireUser(ctx.store, id);
}

/** `AuthService.createUser`: any tier (one-admin rule and developer rule apply). @throws RefusalError 400, 403, 409. */
export async function createUser(
  ctx: AuthContext,
  actor: Principal,
  input: { username: unknown; password: unknown; tier: unknown },
): Promise<User> {
  manage(actor);
  const username = validateUsername(input.username);
  const password = validatePassword(input.password, ctx.passwordMinLength);
  const tier = validateTier(input.tier);
  developerOnly(actor, [tier]);
  const passwordHash = await ctx.hasher.hash(password);
  const now = ctx.now().toISOString();
  const write = await ctx.store.insertUser(
    {
      id: newId(),
      username,
      usernameKey: usernameKey(username),
      passwordHash,
      tier,
      onlyFirstMayChoose: false,
    },
    now,
  );
  const user = userOf(write, { username, tier });
  await ctx.store.appendAudit(
    {
      action: 'user-create',
      actorId: actor.user.id,
      targetId: user.id,
      details: { username, tier },
    },
    now,
  );
  return user;
}

/** `AuthService.setBlocked`: takes effect on the user's next request. @throws RefusalError 403, 404. */
export async function setBlocked(
  ctx: AuthContext,
  actor: Principal,
  id: string,
  blocked: boolean,
): Promise<User> {
  manage(actor);
  notSelf(actor, id, blocked ? 'block' : 'unblock');
  const target = await requireUser(ctx.store, id);
  developerOnly(actor, [target.tier]);
  const now = ctx.now().toISOString();
  const user = userOf(await ctx.store.updateUserBlocked(id, blocked, now), { id });
  await ctx.store.appendAudit(
    {
      action: blocked ? 'user-block' : 'user-unblock',
      actorId: actor.user.id,
      targetId: id,
      details: { username: user.username },
    },
    now,
  );
  return user;
}

/** `AuthService.setTier` (upgrade or downgrade). @throws RefusalError 400, 403, 404, 409 (one-admin rule). */
export async function setTier(
  ctx: AuthContext,
  actor: Principal,
  id: string,
  tier: unknown,
): Promise<User> {
  manage(actor);
  const to = validateTier(tier);
  notSelf(actor, id, 'change the tier of');
  const target = await requireUser(ctx.store, id);
  developerOnly(actor, [target.tier, to]);
  const now = ctx.now().toISOString();
  const user = userOf(await ctx.store.updateUserTier(id, to, now), { id, adminWouldBe: 'demoted' });
  if (target.tier !== to)
    await ctx.store.appendAudit(
      {
        action: 'tier-change',
        actorId: actor.user.id,
        targetId: id,
        details: { username: user.username, from: target.tier, to },
      },
      now,
    );
  return user;
}

/** `AuthService.deleteUser`: tokens, repos and usage go; runs stay. @throws RefusalError 403, 404, 409. */
export async function deleteUser(ctx: AuthContext, actor: Principal, id: string): Promise<void> {
  manage(actor);
  notSelf(actor, id, 'delete');
  const target = await requireUser(ctx.store, id);
  developerOnly(actor, [target.tier]);
  const user = userOf(await ctx.store.deleteUser(id), { id, adminWouldBe: 'deleted' });
  await ctx.store.appendAudit(
    {
      action: 'user-delete',
      actorId: actor.user.id,
      targetId: id,
      details: { username: user.username, tier: user.tier },
    },
    ctx.now().toISOString(),
  );
}
