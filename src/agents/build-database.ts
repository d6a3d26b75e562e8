import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { mysqlConnection, postgresConnection } from '../database/connection-info.js';
import { runSql, type InitTarget } from '../database/init-scripts.js';
import { appConnection } from '../exec/database-vars.js';
import { outputTail } from '../exec/process-result.js';
import { StepFailedError } from '../model/errors.js';
import type { ServiceSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';
import { resolveInside } from '../repo/resolve-inside.js';

/**
 * sqlx migration files in the order sqlx applies them: `<version>_<description>.sql` or its
 * reversible `.up.sql`, by numeric version (`.down.sql` skipped).
 * Source: https://docs.rs/sqlx/latest/sqlx/migrate/struct.Migrator.html
 */
export function migrationFiles(names: readonly string[]): string[] {
  return names
    .map((name) => ({ name, m: /^(\d+)_.+\.sql$/.exec(name) }))
    .filter((e) => e.m !== null && !e.name.endsWith('.down.sql'))
    .sort((a, b) => {
      const [x, y] = [BigInt(a.m![1]!), BigInt(b.m![1]!)];
      return x < y ? -1 : x > y ? 1 : 0;
    })
    .map((e) => e.name);
}

/**
 * For a service whose build needs a live database (`ServiceSpec.buildDatabase`: sqlx's
 * checked macros): makes a scratch database `<database>_build` afresh on the run's first SQL
 * server, applies the service's migrations to it in version order, and returns the
 * environment the build steps get (`DATABASE_URL` of the scratch database, as the build
 * reaches it inside the run's network; `SQLX_OFFLINE=false`). A database the user gave by URL
 * is used as it is. Empty when the service needs none, or the run has no SQL database (a
 * warning says so; the build then fails with sqlx's own message).
 *
 * @throws StepFailedError BUILD_FAILED when the scratch database or a migration fails, with
 *   the client's output.
 */
export async function prepareBuildDatabase(
  ctx: RunContext,
  repoPath: string,
  service: ServiceSpec,
  log: string,
): Promise<Record<string, string>> {
  const need = service.buildDatabase;
  if (!need) return {};
  const db = ctx.state.decided?.databases?.find((d) => d.kind !== 'redis');
  if (!db) {
    ctx.bus.publish({
      kind: 'warning',
      phase: 'build',
      service: service.name,
      message: `${need.evidence}, but the run has no SQL database to build against`,
    });
    return {};
  }
  if (db.provided) return { DATABASE_URL: db.url, SQLX_OFFLINE: 'false' };
  const kind = db.kind as 'postgres' | 'mysql';
  const scratch = `${db.database}_build`;
  // Repo Runner's own client reaches the server on its leased host port.
  const on = (database: string): InitTarget => ({
    kind,
    port: db.port,
    user: db.user,
    password: db.password,
    database,
    signal: ctx.signal,
  });
  const run = async (what: string, target: InitTarget, sql: string) => {
    const r = await runSql(target, sql);
    appendFileSync(log, `[repo-runner] ${what}: ${r.failed ? 'failed' : 'ok'}\n${r.stderr}`);
    if (r.failed) {
      throw new StepFailedError(
        'BUILD_FAILED',
        `${what} failed for the build database of ${service.name}: ${outputTail(r, 3).join(' | ') || r.spawnError}`,
        `read ${log}`,
        { result: r, logFile: log, service: service.name },
      );
    }
  };
  // Names are letters, digits and `_` (DatabaseAgent's rule), so they need no quoting.
  if (kind === 'postgres')
    await run(
      `create database ${scratch}`,
      on('postgres'),
      `DROP DATABASE IF EXISTS ${scratch};\nCREATE DATABASE ${scratch} OWNER ${db.user};\n`,
    );
  else
    await run(
      `create database ${scratch}`,
      on(db.database),
      `DROP DATABASE IF EXISTS \`${scratch}\`;\nCREATE DATABASE \`${scratch}\`;\n`,
    );
  const applied: string[] = [];
  if (need.migrations !== null) {
    const dir = resolveInside(repoPath, need.migrations);
    for (const name of migrationFiles(readdirSync(dir))) {
      const sql = readFileSync(
        resolveInside(repoPath, path.posix.join(need.migrations, name)),
        'utf8',
      );
      await run(`migration ${name}`, on(scratch), sql);
      applied.push(name);
    }
  }
  ctx.bus.publish({
    kind: 'info',
    phase: 'build',
    service: service.name,
    message: `built against scratch database ${scratch}${applied.length ? ` (${applied.length} migrations applied)` : ''}; the app's own migrations run on ${db.database} at start`,
  });
  const parts = { ...appConnection(db), database: scratch };
  const url = (kind === 'postgres' ? postgresConnection : mysqlConnection)(parts).url;
  return { DATABASE_URL: url, SQLX_OFFLINE: 'false' };
}
