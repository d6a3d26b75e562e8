import { sql, type Kysely, type Migration } from 'kysely';
import {
  AgentSpecSchema,
  type AgentSpecChange,
  type AgentSpecStore,
  type AgentSpecVersion,
} from '../model/agent-spec.js';
import { RepoRunnerError } from '../model/errors.js';
import type { AgentSpecsTable, Database } from './schema.js';
import { isUniqueViolation } from './unique-violation.js';

/**
 * Migration `0005_agent_specs`: the Admin Agent's versioned agent specs. Every change is a
 * new row (name, version); nothing is updated in place, so any version can be rolled back to.
 */
export const agentSpecsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('agent_specs')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('spec_json', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('change', 'text', (c) => c.notNull())
      .addColumn('from_version', 'integer')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('agent_specs_pk', ['name', 'version'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table if exists agent_specs`.execute(db);
  },
};

function toVersion(r: AgentSpecsTable): AgentSpecVersion {
  return {
    name: r.name,
    version: r.version,
    // Parsed again: a row written by an older schema gets today's defaults.
    spec: AgentSpecSchema.parse(JSON.parse(r.spec_json)),
    enabled: r.enabled === 1,
    change: r.change as AgentSpecChange,
    fromVersion: r.from_version,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

/** Agent specs over kysely (SQLite and PostgreSQL alike). */
export function agentSpecOperations(db: Kysely<Database>): AgentSpecStore {
  return {
    async saveAgentSpec(input) {
      const name = input.spec.name;
      const last = await db
        .selectFrom('agent_specs')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('name', '=', name)
        .executeTakeFirst();
      const row: AgentSpecsTable = {
        name,
        version: Number(last?.v ?? 0) + 1,
        spec_json: JSON.stringify(input.spec),
        enabled: input.enabled ? 1 : 0,
        change: input.change,
        from_version: input.fromVersion ?? null,
        created_by: input.createdBy ?? null,
        created_at: new Date().toISOString(),
      };
      try {
        await db.insertInto('agent_specs').values(row).execute();
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        throw new RepoRunnerError(
          'CONFLICT',
          `agent ${name} was changed by someone else at the same time (version ${row.version})`,
          'list it again and retry',
        );
      }
      return toVersion(row);
    },

    async agentSpecVersions(name) {
      const rows = await db
        .selectFrom('agent_specs')
        .selectAll()
        .where('name', '=', name)
        .orderBy('version', 'asc')
        .execute();
      return rows.map(toVersion);
    },

    async latestAgentSpecs() {
      const rows = await db
        .selectFrom('agent_specs as a')
        .selectAll('a')
        .where(({ eb, selectFrom }) =>
          eb(
            'a.version',
            '=',
            selectFrom('agent_specs as b')
              .select((e) => e.fn.max('b.version').as('m'))
              .whereRef('b.name', '=', 'a.name'),
          ),
        )
        .orderBy('a.name', 'asc')
        .execute();
      return rows.map(toVersion);
    },
  };
}
