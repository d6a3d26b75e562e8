import type { FoundToken, SessionStore } from '../model/auth-store.js';
import { preparedQuery, type Param } from './prepared.js';
import type { StoreDb } from './serialized.js';
import { toUser } from './users.js';

// Every authenticated request reads this: compiled once (see prepared.ts). It reads the
// user's public fields only, never the password hash.
const tokenByHash = preparedQuery((db: StoreDb, p: Param<{ hash: string }>) =>
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

/** Session and API tokens over kysely (hashes only). */
export function tokenOperations(db: StoreDb): SessionStore {
  return {
    async insertToken(t, now) {
      await db
        .insertInto('auth_tokens')
        .values({
          id: t.id,
          user_id: t.userId,
          kind: t.kind,
          name: t.name,
          token_hash: t.hash,
          created_at: now,
          expires_at: t.expiresAt,
        })
        .execute();
    },

    async findTokenByHash(hash) {
      // Read fresh on every call, so a block or a tier change shows on the next request.
      const row = (await tokenByHash(db, { hash })).rows[0];
      if (!row) return undefined;
      const { token_id, token_kind, token_expires_at, ...user } = row;
      return {
        id: token_id,
        kind: token_kind as FoundToken['kind'],
        expiresAt: token_expires_at,
        user: toUser(user),
      };
    },

    async deleteToken(id) {
      await db.deleteFrom('auth_tokens').where('id', '=', id).execute();
    },

    async deleteExpiredTokens(userId, now) {
      await db
        .deleteFrom('auth_tokens')
        .where('user_id', '=', userId)
        .where('expires_at', '<=', now)
        .execute();
    },
  };
}
