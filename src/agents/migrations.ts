import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_RUNNER_DIR } from './setup-agent.js';
import { logFile } from '../model/paths.js';
import type { CommandSpec, ServiceSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';
import { appEnvFor, serviceEnv } from '../exec/service-env.js';
import { toolEnv } from '../env/tool-env.js';
import { runStep } from '../exec/run-step.js';
import { RepoView } from '../repo/repo-view.js';
import { resolveInside } from '../repo/resolve-inside.js';

/**
 * A migration step; `once` names a step that creates the schema from nothing (a Flask app's
 * own `init-db` command drops and recreates its tables), run only the first time in a
 * workspace: a marker under `.repo-runner/` records it.
 */
export type MigrationStep = CommandSpec & { once?: string };

/**
 * The migration commands a service's folder calls for, each tool's documented "bring the
 * schema up to date" command: Django `manage.py migrate` (also on its default SQLite),
 * Alembic `upgrade head`, Prisma `migrate deploy`, Knex `migrate:latest`, Sequelize
 * `db:migrate`; for a Flask app with neither Alembic nor Flask-Migrate, its own
 * schema-creating CLI command (`init-db`, `create-db`…: the Flask tutorial's pattern), once.
 * Spring's Flyway and Liquibase run by themselves when the app starts.
 */
export async function migrationsFor(repo: RepoView, s: ServiceSpec): Promise<MigrationStep[]> {
  const at = (f: string) => (s.root === '.' ? f : `${s.root}/${f}`);
  const cmd = (argv: string[], description: string): CommandSpec => ({
    argv,
    cwd: s.root,
    env: {},
    description,
  });
  const out: MigrationStep[] = [];
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
    const init = s.framework === 'flask' ? await flaskInitCommand(repo, s) : null;
    if (init && !(await repo.hasFile(at('alembic.ini'))) && !(await repo.hasDir(at('migrations'))))
      out.push({
        ...cmd(
          ['.venv/bin/python', '-m', 'flask', init.command],
          `flask ${init.command} (the app's own command that creates its database)`,
        ),
        // FLASK_APP, not `--app` (Flask 2.2+ only).
        env: { FLASK_APP: init.app },
        once: `flask-${init.command}`,
      });
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

/** A Flask CLI command name that creates the schema: init-db, initdb, create-db, create_tables… */
const INIT_NAME = /^(?:init|create)[-_]?(?:db|database|tables?|schema)$/;

/**
 * The Flask app's own schema-creating CLI command and the `--app` target that registers it:
 * `@click.command("init-db")` (the Flask tutorial, added with `app.cli.add_command`) or
 * `@app.cli.command("init-db")`, or `@app.cli.command()` on `def init_db()` (Click names it
 * `init-db`). The target is the one the start command serves. Null when there is none.
 * Sources: https://flask.palletsprojects.com/en/stable/tutorial/database/,
 * https://flask.palletsprojects.com/en/stable/cli/#custom-commands
 */
async function flaskInitCommand(
  repo: RepoView,
  s: ServiceSpec,
): Promise<{ app: string; command: string } | null> {
  const argv = s.start.argv;
  const appAt = argv.indexOf('--app');
  const app =
    s.start.env['FLASK_APP'] ??
    (appAt >= 0
      ? argv[appAt + 1]
      : argv[0]?.endsWith('gunicorn')
        ? argv.filter((a) => !a.startsWith('-') && !a.startsWith('{')).at(-1)
        : undefined);
  if (!app || app === argv[0]) return null;
  const files = await repo.findFiles(
    (name, rel) => name.endsWith('.py') && !/(^|\/)tests?\//.test(rel),
    { under: s.root, maxDepth: 3, limit: 300 },
  );
  for (const rel of files) {
    const text = await repo.readText(rel);
    if (text === null || !text.includes('command(')) continue;
    for (const m of text.matchAll(/@[\w.]*command\(\s*["']([\w-]+)["']/g))
      if (m[1] && INIT_NAME.test(m[1])) return { app, command: m[1] };
    for (const m of text.matchAll(
      /@[\w.]*\.cli\.command\(\s*\)\s*\n(?:\s*@[^\n]*\n)*\s*def\s+(\w+)/g,
    )) {
      const name = (m[1] ?? '').replace(/_/g, '-');
      if (INIT_NAME.test(name)) return { app, command: name };
    }
  }
  return null;
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
    for (const step of await migrationsFor(repo, s)) {
      // Resolved inside the repository: a `.repo-runner` linked out of it is refused.
      const marker = step.once
        ? resolveInside(workspace.repoPath, `${REPO_RUNNER_DIR}/done-${step.once}`)
        : null;
      if (marker && existsSync(marker)) {
        ctx.bus.publish({
          kind: 'info',
          phase: 'database',
          service: s.name,
          message: `${step.description}: already run in this folder (remove ${path.relative(workspace.repoPath, marker)} to run it again)`,
        });
        continue;
      }
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
      if (marker) {
        mkdirSync(path.dirname(marker), { recursive: true });
        writeFileSync(marker, `${new Date().toISOString()} ${step.argv.join(' ')}\n`);
      }
    }
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
