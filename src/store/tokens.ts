import { preparedQuery, type Param } from '../store/prepared.js';
import { newId } from './tokens.js';
import type { User } from './types.js';
import type { AuthDb } from './db.js';
import { toUser } from './user-store.js';

/** A session or API token as found by its hash, with its user as the store has it now. */
export interface FoundToken {
  id: string;
  kind: 'session' | 'api';
  expiresAt: string;
  user: User;
}

/** Stores a token's hash; returns the new row's id. Times are ISO-8601. */
export async function insertToken(
  db: AuthDb,
  t: {
    userId: string;
    kind: 'session' | 'api';
    name: string | null;
    hash: string;
    expiresAt: string;
  },
  now: string,
): Promise<string> {
  const id = newId();
  await db
    .insertInto('auth_tokens')
    .values({
      id,
      user_id: t.userId,
      kind: t.kind,
      name: t.name,
      token_hash: t.hash,
      created_at: now,
      expires_at: t.expiresAt,
    })
    .execute();
  return id;
}

const tokenByHash = preparedQuery((db: AuthDb, p: Param<{ hash: string }>) =>
  db
    .selectFrom('auth_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select([
      'u.id',
      'u.username',
      'u.tier',
      'u.blocked',
      'u.created_at',
      'u.updated_at',
      't.id as token_id',
      't.kind as token_kind',
      't.expires_at as token_expires_at',
    ])
    .where('t.token_hash', '=', p('hash')),
);

/**
 * The token with this hash joined with its user, read fresh on every call, so a block or a
 * tier change shows on the user's next request. Undefined when no token has this hash. One
 * statement, compiled once (`preparedQuery`); it reads the user's public fields only (never
 * the password hash).
 */
export async function findTokenByHash(db: AuthDb, hash: string): Promise<FoundToken | undefined> {
  const row = (await tokenByHash(db, { hash })).rows[0];
  if (!row) return undefined;
  const { token_id, token_kind, token_expires_at, ...user } = row;
  return {
    id: token_id,
    kind: token_kind as FoundToken['kind'],
    expiresAt: token_expires_at,
    user: toUser(user),
  };
}

/** Deletes one token (logout, or an expired token met on use). */
export async function deleteToken(db: AuthDb, id: string): Promise<void> {
  await db.deleteFrom('auth_tokens').where('id', '=', id).execute();
}

/** Deletes the user's tokens that expired before `now` (housekeeping at login). */
export async function deleteExpiredTokens(db: AuthDb, userId: string, now: string): Promise<void> {
  await db
    .deleteFrom('auth_tokens')
    .where('user_id', '=', userId)
    .where('expires_at', '<=', now)
    .execute();
}
