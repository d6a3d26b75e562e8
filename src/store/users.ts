import type { UserRefusal, UserStore, UserWrite } from '../model/auth-store.js';
import type { TierName, User } from '../model/users.js';
import type { Database } from './schema.js';
import { lockRegistrations, serialized, type StoreDb } from './serialized.js';
import { isUniqueViolation } from './unique-violation.js';

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

/** The refusal a unique violation of `users` stands for; rethrows anything else. */
function refusalOf(err: unknown): UserRefusal {
  if (isUniqueViolation(err, ONE_ADMIN)) return 'second-admin';
  if (isUniqueViolation(err, TAKEN)) return 'username-taken';
  throw err;
}

const ok = (user: User): UserWrite => ({ ok: true, user });
const refused = (reason: UserRefusal): UserWrite => ({ ok: false, reason });

/**
 * Users over kysely. The one-admin rule is the schema's (a unique partial index) plus the
 * `where tier <> 'admin'` of demotions and deletions, so it holds under any concurrency.
 */
export function userOperations(db: StoreDb): UserStore {
  const findUser = async (id: string): Promise<User | undefined> => {
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  };
  /** After a write that matched no row: was there no user, or was it the admin? */
  const missedWrite = async (id: string): Promise<UserWrite> =>
    refused((await findUser(id)) ? 'last-admin' : 'not-found');

  return {
    async findUserByKey(usernameKey) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('username_key', '=', usernameKey)
        .executeTakeFirst();
      return row && { user: toUser(row), passwordHash: row.password_hash };
    },

    findUser,

    async listUsers() {
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .orderBy('created_at')
        .orderBy('username_key')
        .execute();
      return rows.map(toUser);
    },

    async insertUser(input, now) {
      const row: UserRow = {
        id: input.id,
        username: input.username,
        username_key: input.usernameKey,
        password_hash: input.passwordHash,
        tier: input.tier,
        blocked: 0,
        created_at: now,
        updated_at: now,
      };
      try {
        if (!input.onlyFirstMayChoose) {
          await db.insertInto('users').values(row).execute();
          return ok(toUser(row));
        }
        const { tier } = input;
        // Under `serialized` (the `auth_locks` row `register` locked on PostgreSQL), one
        // statement: insert only when the tier is free or the store has no user yet.
        const inserted = await serialized(db, lockRegistrations, async (q) => {
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
        return inserted ? ok(toUser(row)) : refused('tier-not-free');
      } catch (err) {
        return refused(refusalOf(err));
      }
    },

    async updateUserTier(id, tier, now) {
      let q = db.updateTable('users').set({ tier, updated_at: now }).where('id', '=', id);
      // The admin's own row is never demoted; promoting a second admin breaks the index.
      if (tier !== 'admin') q = q.where('tier', '<>', 'admin');
      try {
        const row = await q.returningAll().executeTakeFirst();
        if (row) return ok(toUser(row));
      } catch (err) {
        return refused(refusalOf(err));
      }
      return missedWrite(id);
    },

    async updateUserBlocked(id, blocked, now) {
      const row = await db
        .updateTable('users')
        .set({ blocked: blocked ? 1 : 0, updated_at: now })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row ? ok(toUser(row)) : refused('not-found');
    },

    async updatePasswordHash(id, hash, now) {
      await db
        .updateTable('users')
        .set({ password_hash: hash, updated_at: now })
        .where('id', '=', id)
        .execute();
    },

    async deleteUser(id) {
      // Tokens, repos, usage and rate windows go by foreign-key cascade; runs keep a null user.
      const row = await db
        .deleteFrom('users')
        .where('id', '=', id)
        .where('tier', '<>', 'admin')
        .returningAll()
        .executeTakeFirst();
      return row ? ok(toUser(row)) : missedWrite(id);
    },
  };
}
