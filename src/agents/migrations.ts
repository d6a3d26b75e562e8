import path from 'node:path';
import { logFile } from '../model/paths.js';
import type { CommandSpec, ServiceSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';
import { appEnvFor, serviceEnv } from '../exec/service-env.js';
import { toolEnv } from '../exec/provisioned-tools.js';
import { runStep } from '../exec/run-step.js';
import { RepoView } from '../repo/repo-view.js';

/**
 * The migration commands a service's folder calls for, each tool's documented "bring the
 * schema up to date" command: Django `manage.py migrate` (also on its default SQLite),
 * Alembic `upgrade head`, Prisma `migrate deploy`, Knex `migrate:latest`, Sequelize
 * `db:migrate`. Spring's Flyway and Liquibase run by themselves when the app starts.
 */
export async function migrationsFor(repo: RepoView, s: ServiceSpec): Promise<CommandSpec[]> {
  const at = (f: string) => (s.root === '.' ? f : `${s.root}/${f}`);
  const cmd = (argv: string[], description: string): CommandSpec => ({
    argv,
    cwd: s.root,
    env: {},
    description,
  });
  const out: CommandSpec[] = [];
  if (s.provider.startsWith('python')) {
    const manageFile =
      s.framework === 'django'
        ? await firstFile(repo, [
            at('manage.py'),
            ...(await repo.listDir(s.root)).map((d) => at(`${d}/manage.py`)),
          ])
        : null;
    if (manageFile && (await djangoNeedsMigrate(repo, s.root)))
      out.push(
        cmd(
          ['.venv/bin/python', path.posix.relative(s.root, manageFile), 'migrate', '--noinput'],
          'django migrate',
        ),
      );
    if (await repo.hasFile(at('alembic.ini')))
      out.push(cmd(['.venv/bin/alembic', 'upgrade', 'head'], 'alembic upgrade head'));
  }
  if (s.provider.startsWith('node')) {
    const schema = await prismaSchema(repo, s.root);
    if (schema) {
      const rel = path.posix.relative(s.root === '.' ? '' : s.root, schema);
      const migrations = `${path.posix.dirname(schema)}/migrations`;
      // With migrations, apply them; without, create the schema's tables (`db push`: the
      // run's database is its own and starts empty).
      out.push(
        (await repo.hasDir(migrations))
          ? cmd(
              ['node_modules/.bin/prisma', 'migrate', 'deploy', '--schema', rel],
              'prisma migrate deploy',
            )
          : cmd(
              ['node_modules/.bin/prisma', 'db', 'push', '--skip-generate', '--schema', rel],
              'prisma db push',
            ),
      );
    }
    if ((await repo.hasFile(at('knexfile.js'))) || (await repo.hasFile(at('knexfile.ts'))))
      out.push(cmd(['node_modules/.bin/knex', 'migrate:latest'], 'knex migrate:latest'));
    if (
      (await repo.hasFile(at('.sequelizerc'))) ||
      ((await repo.hasFile(at('config/config.json'))) && (await repo.hasDir(at('migrations'))))
    )
      out.push(cmd(['node_modules/.bin/sequelize-cli', 'db:migrate'], 'sequelize db:migrate'));
  }
  return out;
}

/**
 * The Prisma schema of the package at `root` (repo-relative), where the Prisma CLI looks:
 * package.json's `prisma.schema`, then `prisma/schema.prisma`, then `schema.prisma`; null
 * when there is none or the package does not use Prisma. Source:
 * https://www.prisma.io/docs/orm/prisma-schema/overview/location
 */
async function prismaSchema(repo: RepoView, root: string): Promise<string | null> {
  const at = (f: string) => (root === '.' ? f : `${root}/${f}`);
  const pkg = await repo.readJson<{
    prisma?: { schema?: unknown };
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  }>(at('package.json'));
  const deps = { ...pkg?.dependencies, ...pkg?.devDependencies };
  if (!('prisma' in deps) && !('@prisma/client' in deps)) return null;
  const named =
    typeof pkg?.prisma?.schema === 'string' ? [at(path.posix.normalize(pkg.prisma.schema))] : [];
  return firstFile(repo, [...named, at('prisma/schema.prisma'), at('schema.prisma')]);
}

async function firstFile(repo: RepoView, candidates: string[]): Promise<string | null> {
  for (const c of candidates) if (await repo.hasFile(c)) return c;
  return null;
}

/**
 * Runs every service's migrations once per folder, with the service's environment (its
 * `.env` values and the provisioned databases' URLs).
 *
 * @throws StepFailedError MIGRATION_FAILED with the log tail and the ProcessResult; the run stops at the database
 *   phase and `resume` retries it after a fix.
 */
export async function runMigrations(ctx: RunContext): Promise<void> {
  const { plan, workspace } = ctx.state;
  if (!plan || !workspace) return;
  const repo = new RepoView(workspace.repoPath);
  const done = new Set<string>();
  for (const s of plan.services) {
    if (done.has(s.root)) continue;
    done.add(s.root);
    const log = logFile(ctx.runDir, `migrate-${s.name}`);
    const env = serviceEnv(toolEnv(ctx), workspace.repoPath, s, appEnvFor(ctx.state, s.name));
    for (const step of await migrationsFor(repo, s))
      await runStep(
        ctx,
        step,
        workspace.repoPath,
        {
          phase: 'database',
          service: s.name,
          kind: 'migrate',
          logFile: log,
          env,
          timeoutMs: ctx.options.commandTimeoutMs,
        },
        {
          code: 'MIGRATION_FAILED',
          hint: `read ${log}; fix it, then \`repo-runner resume ${ctx.runId}\` (the run resumes at the database phase)`,
        },
      );
  }
}

/**
 * Whether `manage.py migrate` has anything to do: the project has migrations of its own
 * (`<app>/migrations/`) or uses contrib apps (which bring theirs), and its settings do not
 * leave `DATABASES` empty (`migrate` then fails: "settings.DATABASES is improperly configured").
 */
async function djangoNeedsMigrate(repo: RepoView, root: string): Promise<boolean> {
  const files = await repo.findFiles(
    (name, rel) =>
      name === 'settings.py' || (name === '__init__.py' && rel.endsWith('/migrations/__init__.py')),
    { maxDepth: root === '.' ? 3 : 4 },
  );
  const mine = files.filter((f) => root === '.' || f.startsWith(`${root}/`));
  const settings = (
    await Promise.all(mine.filter((f) => f.endsWith('settings.py')).map((f) => repo.readText(f)))
  ).join('\n');
  if (/^\s*DATABASES\s*(?::[^=]*)?=\s*\{\s*\}/m.test(settings)) return false;
  return (
    mine.some((f) => f.endsWith('/migrations/__init__.py')) || settings.includes('django.contrib.')
  );
}
