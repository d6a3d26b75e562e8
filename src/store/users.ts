import type { Database } from '../store/schema.js';
import type { AuthDb } from './db.js';
import { conflict, forbidden, userNotFound } from './errors.js';
import { isUniqueViolation } from './db-errors.js';
import { lockRegistrations, serialized } from './serialized.js';
import { newId } from './tokens.js';
import type { TierName, User } from './types.js';
import { usernameKey } from './validation.js';

/** A user row as the auth core reads it (with the password hash, which never leaves `src/auth`). */
export interface UserWithHash {
  user: User;
  passwordHash: string;
}

type UserRow = Database['users'];

/** The public view of a `users` row (only its public columns are needed). */
export function toUser(
  row: Pick<UserRow, 'id' | 'username' | 'tier' | 'blocked' | 'created_at' | 'updated_at'>,
): User {
  return {
    id: row.id,
    username: row.username,
    tier: row.tier as TierName,
    blocked: row.blocked === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const ONE_ADMIN = /users\.tier|users_one_admin/;
const TAKEN = /username_key/;

/** Maps the unique violations of `users` to 409s; rethrows anything else. */
function mapUniqueViolation(err: unknown, username: string): never {
  if (isUniqueViolation(err, ONE_ADMIN))
    throw conflict(
      'there is already an admin; exactly one admin is allowed',
      'give this user another tier (e.g. tester, which has admin privileges except user management)',
    );
  if (isUniqueViolation(err, TAKEN))
    throw conflict(`the username ${username} is taken`, 'choose another username');
  throw err;
}

/** The user named `username` (case-insensitive), with the hash; undefined when there is none. */
export async function findUserByName(
  db: AuthDb,
  username: string,
): Promise<UserWithHash | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('username_key', '=', usernameKey(username))
    .executeTakeFirst();
  return row && { user: toUser(row), passwordHash: row.password_hash };
}

/** The user with this id, or undefined. */
export async function findUser(db: AuthDb, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

/** The user with this id. @throws AuthError `NOT_FOUND` (404). */
export async function requireUser(db: AuthDb, id: string): Promise<User> {
  const user = await findUser(db, id);
  if (!user) throw userNotFound(id);
  return user;
}

/** Every user, oldest first (then by username). */
export async function listUsers(db: AuthDb): Promise<User[]> {
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .orderBy('created_at')
    .orderBy('username_key')
    .execute();
  return rows.map(toUser);
}

/**
 * Inserts a user. With `firstMayChoose` (registration), the tier asked for is granted only
 * when the store has no user yet: one `insert … select … where not exists (select from
 * users)` statement under `serialized` (the `auth_locks` row `register` locked on
 * PostgreSQL), so of simultaneous first registrations exactly one gets it. Without it (creation by an admin), `tier` is used as is.
 *
 * @throws AuthError `CONFLICT` (409) for a taken username or a second admin; `FORBIDDEN`
 *   (403) when a later registration asks for a tier other than free.
 */
export async function insertUser(
  db: AuthDb,
  input: { username: string; passwordHash: string; tier: TierName; firstMayChoose: boolean },
  now: string,
): Promise<User> {
  const row: UserRow = {
    id: newId(),
    username: input.username,
    username_key: usernameKey(input.username),
    password_hash: input.passwordHash,
    tier: input.tier,
    blocked: 0,
    created_at: now,
    updated_at: now,
  };
  try {
    if (!input.firstMayChoose) {
      await db.insertInto('users').values(row).execute();
      return toUser(row);
    }
    const { tier } = input;
    const inserted = await serialized(db, lockRegistrations, async (q) => {
      // One statement: insert only when the tier is free or the store has no user yet.
      const r = await q
        .insertInto('users')
        .columns([
          'id',
          'username',
          'username_key',
          'password_hash',
          'tier',
          'blocked',
          'created_at',
          'updated_at',
        ])
        .expression((eb) =>
          eb
            .selectFrom('auth_locks')
            .select((s) => [
              s.val(row.id).as('id'),
              s.val(row.username).as('username'),
              s.val(row.username_key).as('username_key'),
              s.val(row.password_hash).as('password_hash'),
              s.val(row.tier).as('tier'),
              s.val(0).as('blocked'),
              s.val(now).as('created_at'),
              s.val(now).as('updated_at'),
            ])
            .where('auth_locks.name', '=', 'register')
            .$if(tier !== 'free', (w) =>
              w.where((x) => x.not(x.exists(x.selectFrom('users').select('users.id')))),
            ),
        )
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    });
    if (!inserted)
      throw forbidden(
        `new users get the free tier; only the first user of a new install may choose ${tier}`,
        'register without a tier, then ask an admin or developer to upgrade you',
      );
    return toUser(row);
  } catch (err) {
    mapUniqueViolation(err, input.username);
  }
}

/**
 * Sets a user's tier. Atomic one-admin rule: the admin's own row is never demoted (the
 * `where` refuses it), and promoting a second admin breaks the unique partial index.
 *
 * @throws AuthError `NOT_FOUND` (404); `CONFLICT` (409) for demoting the admin or adding a second.
 */
export async function updateTier(
  db: AuthDb,
  id: string,
  tier: TierName,
  now: string,
): Promise<User> {
  let q = db.updateTable('users').set({ tier, updated_at: now }).where('id', '=', id);
  if (tier !== 'admin') q = q.where('tier', '<>', 'admin');
  try {
    const row = await q.returningAll().executeTakeFirst();
    if (row) return toUser(row);
  } catch (err) {
    mapUniqueViolation(err, id);
  }
  await requireUser(db, id);
  throw lastAdmin('demoted');
}

/** Blocks or unblocks a user. @throws AuthError `NOT_FOUND` (404). */
export async function updateBlocked(
  db: AuthDb,
  id: string,
  blocked: boolean,
  now: string,
): Promise<User> {
  const row = await db
    .updateTable('users')
    .set({ blocked: blocked ? 1 : 0, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw userNotFound(id);
  return toUser(row);
}

/** Replaces a password hash (rehash after a cost change). */
export async function updatePasswordHash(
  db: AuthDb,
  id: string,
  hash: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: hash, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/**
 * Deletes a user with their tokens, repos, usage and rate windows (foreign keys cascade);
 * their runs stay, with `user_id` null. The admin is never deleted (atomic `where`).
 *
 * @throws AuthError `NOT_FOUND` (404); `CONFLICT` (409) for the admin.
 */
export async function deleteUserRow(db: AuthDb, id: string): Promise<User> {
  const row = await db
    .deleteFrom('users')
    .where('id', '=', id)
    .where('tier', '<>', 'admin')
    .returningAll()
    .executeTakeFirst();
  if (row) return toUser(row);
  await requireUser(db, id);
  throw lastAdmin('deleted');
}

const lastAdmin = (what: string) =>
  conflict(
    `this user is the one admin and cannot be ${what}: there must always be exactly one admin`,
    'leave the admin in place; block the account instead if it must not be used for now',
  );
