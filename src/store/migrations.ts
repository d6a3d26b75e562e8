import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { agentSpecsMigration } from './agent-specs.js';
import { autoIdColumn } from './dialect.js';
import { orchestratorsMigration } from './orchestrators.js';
import { fixMemoryMigration } from './fix-memory-migration.js';
import { usageWindowsMigration } from './usage-windows-migration.js';
import { usersMigration } from './users-migration.js';

/**
 * The migration set, in order. Written with kysely's schema builder only, so the same set
 * runs on SQLite and PostgreSQL. Never edit a released migration: add a new one.
 *
 * Portable column types: `text`, `integer` (32-bit), `real`; JSON as `text`; times as ISO
 * text. Auto-numbered keys need `.$call(autoIdColumn(db))` (`autoIncrement()` alone breaks
 * PostgreSQL); booleans are `integer` 0/1 (SQLite binds no JS booleans); `storeDialect(db)`
 * (`./dialect.ts`) is there for anything else that must differ.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001_runs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('repo_path', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('options_json', 'text', (c) => c.notNull())
        .addColumn('report_json', 'text')
        .addColumn('owner_pid', 'integer')
        .addColumn('supervisor_pid', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('phases')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('started_at', 'text')
        .addColumn('ended_at', 'text')
        .addColumn('duration_ms', 'integer')
        .addColumn('error_json', 'text')
        .addPrimaryKeyConstraint('phases_pk', ['run_id', 'name'])
        .execute();
      await db.schema
        .createTable('checkpoints')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('phase', 'text', (c) => c.notNull())
        .addColumn('data_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('checkpoints_pk', ['run_id', 'phase'])
        .execute();
      await db.schema
        .createTable('events')
        .$call(autoIdColumn(db))
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('ts', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('phase', 'text')
        .addColumn('service', 'text')
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('data_json', 'text')
        .execute();
      await db.schema
        .createIndex('events_run_idx')
        .on('events')
        .columns(['run_id', 'id'])
        .execute();
      await db.schema
        .createTable('ports')
        .addColumn('port', 'integer', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('leased_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('processes')
        .$call(autoIdColumn(db))
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('service', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('command', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .execute();
      await db.schema.createIndex('processes_run_idx').on('processes').column('run_id').execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['processes', 'ports', 'events', 'checkpoints', 'phases', 'runs']) {
        await sql`drop table if exists ${sql.table(t)}`.execute(db);
      }
    },
  },
  '0002_fix_memory': fixMemoryMigration,
  '0003_users': usersMigration,
  '0004_usage_from_windows': usageWindowsMigration,
  '0005_agent_specs': agentSpecsMigration,
  '0006_orchestrators': orchestratorsMigration,
};

/** Hands kysely's Migrator the in-code migration set (no migration files on disk to lose). */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
