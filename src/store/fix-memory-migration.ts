import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Migration `0002_fix_memory`: the AgentMemoryManager's table. One row per (scope,
 * signature, action): `scope` is `global` or a repository key; counts say how often the
 * action fixed or failed to fix that signature. No auto-numbered key, so it is the same DDL
 * on SQLite and PostgreSQL.
 */
export const fixMemoryMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('fix_memory')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('signature_key', 'text', (c) => c.notNull())
      .addColumn('action_json', 'text', (c) => c.notNull())
      .addColumn('error_class', 'text', (c) => c.notNull())
      .addColumn('successes', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_run_id', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('fix_memory_pk', ['scope', 'signature_key', 'action_json'])
      .execute();
    await db.schema
      .createIndex('fix_memory_signature_idx')
      .on('fix_memory')
      .columns(['signature_key'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists fix_memory`.execute(db);
  },
};
