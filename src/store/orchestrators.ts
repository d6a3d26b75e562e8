import { sql, type Kysely, type Migration } from 'kysely';
import {
  OrchestratorProfileSchema,
  type Orchestrator,
  type OrchestratorStore,
} from '../model/orchestrator.js';
import type { Database, OrchestratorsTable } from './schema.js';
import { isUniqueViolation } from './unique-violation.js';

/** Migration `0006_orchestrators`: the Admin Agent's business orchestrators (issue #14). */
export const orchestratorsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('orchestrators')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('profile_json', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.unique())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists orchestrators`.execute(db);
  },
};

const toOrchestrator = (r: OrchestratorsTable): Orchestrator => ({
  name: r.name,
  profile: OrchestratorProfileSchema.parse(JSON.parse(r.profile_json)),
  userId: r.user_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** Business orchestrators over kysely. */
export function orchestratorOperations(db: Kysely<Database>): OrchestratorStore {
  return {
    async createOrchestrator(o) {
      try {
        await db
          .insertInto('orchestrators')
          .values({
            name: o.name,
            profile_json: JSON.stringify(o.profile),
            user_id: o.userId,
            created_by: o.createdBy,
            created_at: o.createdAt,
          })
          .execute();
        return true;
      } catch (err) {
        if (isUniqueViolation(err)) return false;
        throw err;
      }
    },
    async getOrchestrator(name) {
      const r = await db
        .selectFrom('orchestrators')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return r ? toOrchestrator(r) : undefined;
    },
    async orchestratorOfUser(userId) {
      const r = await db
        .selectFrom('orchestrators')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return r ? toOrchestrator(r) : undefined;
    },
    async listOrchestrators() {
      const rows = await db.selectFrom('orchestrators').selectAll().orderBy('name').execute();
      return rows.map(toOrchestrator);
    },
  };
}
