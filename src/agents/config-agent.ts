import path from 'node:path';
import { mergeEnvFile, parseEnvText } from '../config/env-file.js';
import {
  generateSecret,
  isOwnSecret,
  isPlaceholder,
  isThirdPartyCredential,
} from '../config/secrets.js';
import { appConnection, splitDatabaseValue } from '../exec/database-vars.js';
import { expectedVars } from '../config/sources.js';
import { codeReadVars, codeRequiredVars } from '../config/code-vars.js';
import {
  exampleConfigCopies,
  pointJsonConfigAt,
  type ExampleCopy,
} from '../config/example-files.js';
import { readFileSync, writeFileSync } from 'node:fs';
import type { RunContext } from '../model/run-context.js';
import type { ServiceConfig } from '../model/run-state.js';
import { RepoView } from '../repo/repo-view.js';
import { PathEscapeError, resolveInside } from '../repo/resolve-inside.js';
import type { Agent } from './agent.js';

/**
 * ConfigAgent: for each service folder with an example env file (`.env.example`,
 * `.env.sample`, `.env.template`, `.env.dist`, …) or a Heroku `app.json` `env`, fills a
 * `.env`: database and cache URLs the plan decided (DATABASE_URL, REDIS_URL, PG*, …), PORT
 * and HOST from the plan, the app's own secrets (SECRET_KEY, APP_KEY,
 * JWT_SECRET, …) generated with the OS CSPRNG, the example's own defaults; what it cannot
 * know (a third party's API key) stays empty and is reported as "needs a value". A user's
 * `.env` is never overwritten: only missing keys are added, after a backup copy. The
 * resulting values also go into the service's environment. A `.env` or example file that
 * links out of the repository is neither read nor written: a warning names it.
 */
export const configAgent = {
  name: 'ConfigAgent',
  phase: 'configure',
  produces: 'config',
  async run(ctx): Promise<ServiceConfig[]> {
    const { plan, workspace, decided } = ctx.state;
    if (!plan || !workspace) throw new Error('configure ran before detect');
    const repo = new RepoView(workspace.repoPath);
    // URLs of the databases the plan decided (known before they start: ports are leased).
    const dbValues = Object.assign({}, ...(decided?.databases ?? []).map((d) => d.env)) as Record<
      string,
      string
    >;
    const byRoot = new Map<string, string[]>();
    for (const s of plan.services) byRoot.set(s.root, [...(byRoot.get(s.root) ?? []), s.name]);
    const configs: ServiceConfig[] = [];
    const refusals: PathEscapeError[] = [];
    for (const [root, services] of byRoot) {
      copyExampleConfigs(
        ctx,
        repo,
        services[0] ?? root,
        refusals,
        await exampleConfigCopies(repo, root),
      );
      const vars = await expectedVars(repo, root);
      const fromTemplates = vars.length;
      // Variables the Python code itself requires (pydantic settings, os.environ[...]) that
      // no template names: without them the app dies at import.
      if (plan.services.some((s) => s.root === root && s.provider.startsWith('python'))) {
        for (const v of await codeRequiredVars(repo, root))
          if (!vars.some((x) => x.key === v.key)) vars.push(v);
      }
      // Split connection variables the code reads (`MYSQL_DB`, `DB_HOST`…) for a database
      // the run provisions: without them a client connects with half a configuration.
      const databases = decided?.databases ?? [];
      if (databases.length > 0) {
        for (const v of await codeReadVars(repo, root))
          if (!vars.some((x) => x.key === v.key) && splitDatabaseValue(v.key, databases) !== null)
            vars.push(v);
      }
      if (vars.length === 0) continue;
      const port = services.map((n) => decided?.ports[n]).find((p) => p !== undefined);
      const values: Record<string, string> = {};
      const generated: string[] = [];
      // Keys whose value belongs to this run (see the refresh below).
      const runValues = new Set([...Object.keys(dbValues), 'PORT', 'HOST']);
      for (const v of vars) {
        const split = splitDatabaseValue(v.key, databases);
        if (split !== null) runValues.add(v.key);
        const db = dbValues[v.key] ?? split ?? undefined;
        const conventional = v.example === '' ? conventionalValue(v.key, workspace.repoPath) : null;
        if (db !== undefined) values[v.key] = db;
        else if (v.key === 'PORT' && port !== undefined) values[v.key] = String(port);
        else if (v.key === 'HOST' && decided) values[v.key] = decided.host;
        else if ((v.secret || isOwnSecret(v.key)) && isPlaceholder(v.example)) {
          values[v.key] = generateSecret(v.key);
          generated.push(v.key);
        } else if (conventional) {
          values[v.key] = conventional.value;
          if (conventional.generated) generated.push(v.key);
        } else if (
          !isPlaceholder(v.example) ||
          (v.example === '' && !isThirdPartyCredential(v.key))
        )
          values[v.key] = v.example;
        else values[v.key] = '';
      }
      const envRel = root === '.' ? '.env' : `${root}/.env`;
      // Shown and recorded as the user knows it; written where it really is.
      const file = path.join(repo.root, envRel);
      let real: string;
      try {
        // A `.env` (or its folder) linking out of the repository would copy an outside
        // file's contents into the app's environment and write to it: refused, reported.
        real = resolveInside(workspace.repoPath, envRel);
      } catch (err) {
        if (!(err instanceof PathEscapeError)) throw err;
        refusals.push(err);
        continue;
      }
      const sources = [...new Set(vars.map((v) => v.source))].join(', ');
      // Values that belong to this run (ports, generated database credentials) replace
      // those Repo Runner wrote on an earlier run; the user's own lines stay as they are.
      // Only the code names them (no template): they go into the service's environment, and
      // no `.env` is written into a repository that has none for Repo Runner to fill.
      const merged =
        fromTemplates === 0
          ? { added: [], refreshed: [], backup: null, created: false }
          : mergeEnvFile(real, values, sources, runValues);
      const onDisk = parseEnvText((await repo.readText(envRel)) ?? '');
      // The user's own `.env` wins over values only the code asked for.
      const final =
        fromTemplates === 0
          ? { ...Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')), ...onDisk }
          : onDisk;
      const needsValue = vars
        .filter(
          (v) =>
            !v.optional &&
            (final[v.key] ?? '') === '' &&
            (isThirdPartyCredential(v.key) || isPlaceholder(v.example)),
        )
        .map((v) => v.key);
      const env = Object.fromEntries(
        Object.entries(final).filter(([k]) => k !== 'PORT' && k !== 'HOST'),
      );
      const config: ServiceConfig = {
        root,
        services,
        file,
        sources: sources.split(', '),
        added: merged.added,
        refreshed: merged.refreshed,
        generated: generated.filter((k) => merged.added.includes(k)),
        needsValue,
        backup: merged.backup,
        env,
      };
      configs.push(config);
      report(ctx, config, merged.created);
    }
    // Example files and `.env`s that link out of the repository were read as missing.
    const messages = new Set([...repo.escapes, ...refusals].map((e) => e.message));
    for (const message of messages)
      ctx.bus.publish({ kind: 'warning', phase: 'configure', message });
    return configs;
  },
} satisfies Agent<'config'>;

/**
 * Makes the config files a folder ships only as examples (see {@link exampleConfigCopies}),
 * never over an existing file; a JSON ORM config made so points at the run's SQL database
 * ({@link pointJsonConfigAt}). A target or example linking out of the repository is
 * refused and reported.
 */
function copyExampleConfigs(
  ctx: RunContext,
  repo: RepoView,
  service: string,
  refusals: PathEscapeError[],
  copies: ExampleCopy[],
): void {
  const repoPath = repo.root;
  const sql = (ctx.state.decided?.databases ?? []).find((d) => !d.provided && d.kind !== 'redis');
  for (const { example, target } of copies) {
    let from: string;
    let to: string;
    try {
      from = resolveInside(repoPath, example);
      to = resolveInside(repoPath, target);
    } catch (err) {
      if (!(err instanceof PathEscapeError)) throw err;
      refusals.push(err);
      continue;
    }
    let text = readFileSync(from, 'utf8');
    const pointed =
      sql && target.endsWith('.json') ? pointJsonConfigAt(text, appConnection(sql)) : null;
    if (pointed) text = pointed;
    try {
      writeFileSync(to, text, { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    ctx.bus.publish({
      kind: 'info',
      phase: 'configure',
      service,
      message: `wrote ${target} from ${example}${pointed ? ` (pointed at the run's ${sql?.kind} database)` : ''}`,
    });
  }
}

function report(ctx: RunContext, c: ServiceConfig, created: boolean): void {
  const where = path.relative(ctx.state.workspace?.repoPath ?? '.', c.file) || '.env';
  if (c.refreshed?.length) {
    ctx.bus.publish({
      kind: 'info',
      phase: 'configure',
      service: c.services[0],
      message: `updated in ${where}: ${(c.refreshed ?? []).join(', ')} (values an earlier run of Repo Runner wrote there)`,
    });
  }
  if (c.added.length > 0) {
    ctx.bus.publish({
      kind: 'info',
      phase: 'configure',
      service: c.services[0],
      message: `${created ? 'wrote' : 'added to'} ${where}: ${c.added.join(', ')}${c.generated.length ? ` (generated ${c.generated.join(', ')})` : ''}${c.backup ? `; your previous file is kept as ${path.basename(c.backup)}` : ''}`,
    });
  }
  for (const key of c.needsValue) {
    ctx.bus.publish({
      kind: 'warning',
      phase: 'configure',
      service: c.services[0],
      message: `needs a value: ${key} (from ${c.sources.join(', ')}); set it in ${where}`,
    });
  }
}

/** A value {@link conventionalValue} proposes, and whether it is a fresh secret. */
interface ConventionalValue {
  value: string;
  generated: boolean;
}

/**
 * A usable value for a variable the app requires and no example fills, by its conventional
 * name: the project's name (`PROJECT_NAME`, `APP_NAME`: the repository folder's name), a
 * local environment name (`ENVIRONMENT`, `APP_ENV`: `local`), a first admin account
 * (`FIRST_SUPERUSER`/`ADMIN_EMAIL`: `admin@example.com`, its password a fresh secret).
 * Null for anything else (left empty; reported when it is a credential).
 */
function conventionalValue(key: string, repoPath: string): ConventionalValue | null {
  if (/^(PROJECT|APP|APPLICATION|SERVICE)_NAME$/.test(key))
    return { value: path.basename(repoPath), generated: false };
  if (/^(ENVIRONMENT|APP_ENV|ENV)$/.test(key)) return { value: 'local', generated: false };
  if (/^(FIRST_)?(SUPERUSER|ADMIN)(_EMAIL)?$/.test(key) || key === 'ADMIN_EMAIL')
    return { value: 'admin@example.com', generated: false };
  if (/^(FIRST_)?(SUPERUSER|ADMIN)_PASSWORD$/.test(key))
    return { value: generateSecret(key), generated: true };
  return null;
}
