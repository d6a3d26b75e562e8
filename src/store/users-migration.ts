import { sql, type Kysely, type Migration } from 'kysely';
import { autoIdColumn } from './dialect.js';

/**
 * Migration `0003_users`: users, tokens, rate windows, claimed repos, usage, audit log, login
 * throttle, a lock row, and `runs.user_id` (null for runs of the anonymous local CLI; set to
 * null when the user is deleted). Portable: text ids, integer counters and flags, ISO times.
 * The one-admin rule is a unique partial index, so it holds under concurrent requests.
 */
export const usersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('username_key', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('tier', 'text', (c) => c.notNull())
      .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('users_one_admin')
      .on('users')
      .column('tier')
      .unique()
      .where(sql.ref('tier'), '=', 'admin')
      .execute();
    await db.schema
      .createTable('auth_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('auth_tokens_user_idx')
      .on('auth_tokens')
      .column('user_id')
      .execute();
    await db.schema
      .createTable('rate_windows')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('window_start', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('rate_windows_pk', ['user_id', 'window_start'])
      .execute();
    await db.schema
      .createTable('user_repos')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('repo_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_repos_pk', ['user_id', 'repo_key'])
      .execute();
    await db.schema
      .createTable('user_usage')
      .addColumn('user_id', 'text', (c) =>
        c.primaryKey().references('users.id').onDelete('cascade'),
      )
      .addColumn('requests', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('runs', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('agent_calls', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('audit_log')
      .$call(autoIdColumn(db))
      .addColumn('ts', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('target_id', 'text')
      .addColumn('details_json', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('login_throttle')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('auth_locks')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .execute();
    await sql`insert into ${sql.table('auth_locks')} (name) values ('register')`.execute(db);
    await db.schema
      .alterTable('runs')
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .execute();
    await db.schema
      .createIndex('runs_user_idx')
      .on('runs')
      .columns(['user_id', 'created_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('runs_user_idx').ifExists().execute();
    await db.schema.alterTable('runs').dropColumn('user_id').execute();
    for (const t of [
      'auth_locks',
      'login_throttle',
      'audit_log',
      'user_usage',
      'user_repos',
      'rate_windows',
      'auth_tokens',
      'users',
    ]) {
      await sql`drop table if exists ${sql.table(t)}`.execute(db);
    }
  },
};
