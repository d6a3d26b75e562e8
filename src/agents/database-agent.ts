import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bwrapArgv } from '../exec/sandbox.js';
import { giveToRun } from '../exec/sandbox-user.js';
import { writeJsonAtomic } from '../store/state-files.js';
import { databaseDataDir } from './database-decisions.js';
import { NeedsFixError, UnrecoverableError } from '../model/errors.js';
import { logFile } from '../model/paths.js';
import { outputTail } from '../exec/process-result.js';
import type { RunContext } from '../model/run-context.js';
import type { DecidedDatabase, RunState } from '../model/run-state.js';
import { hasServerBinaries, installHint } from '../database/find-server-binaries.js';
import { expandInitScripts, runInitScript } from '../database/init-scripts.js';
import { installServerPackages } from '../database/install-server-packages.js';
import { startMariadb } from '../database/mariadb.js';
import { startPostgres } from '../database/postgres.js';
import { startRedis } from '../database/redis.js';
import { runAs } from '../database/service-user.js';
import type {
  ProvisionedDatabase,
  ServerCommand,
  StartDatabaseOptions,
} from '../database/types.js';
import type { Agent } from './agent.js';
import { runMigrations } from './migrations.js';
import { mapRunHostNames } from './run-host-names.js';

type Started = NonNullable<RunState['databases']>;

const STARTERS = { postgres: startPostgres, mysql: startMariadb, redis: startRedis } as const;

/**
 * DatabaseAgent: starts each database the plan decided as a run-scoped local server on its
 * leased port (127.0.0.1 only), data under `<run dir>/databases/<name>` (with `--keep-data`
 * under `<home>/data/<repo hash>/<name>`, shared by the repo's runs), installs the server from Debian's packages when it is missing and the runner
 * is root, then runs the repo's migrations. A database whose URL the user gave is not
 * started. Servers are recorded as the run's processes: `stop` ends them.
 *
 * @throws UnrecoverableError DATABASE_FAILED naming what to install when a server is
 *   missing and cannot be installed; NeedsFixError DATABASE_FAILED with the server's log
 *   tail when it does not come up; MIGRATION_FAILED from the migrations.
 */
export const databaseAgent = {
  name: 'DatabaseAgent',
  phase: 'database',
  produces: 'databases',
  async run(ctx): Promise<Started> {
    const decided = ctx.state.decided?.databases ?? [];
    const started: Started = [];
    mapRunHostNames(ctx);
    const wanted = decided.filter((d) => !d.provided);
    const missing = [...new Set(wanted.map((d) => d.kind))].filter((k) => !hasServerBinaries(k));
    if (missing.length > 0) {
      ctx.bus.publish({
        kind: 'info',
        phase: 'database',
        message: `installing ${missing.join(', ')} server packages`,
      });
      const got = await installServerPackages(missing, ctx.signal);
      if (!got.ok) {
        throw new UnrecoverableError(
          'DATABASE_FAILED',
          `no ${missing.join(', ')} server on this machine (${got.reason})`,
          `${missing.map((k) => installHint(k)).join('; ')}; or set ${wanted
            .filter((d) => missing.includes(d.kind))
            .map((d) => d.name)
            .join(', ')}'s URL yourself`,
        );
      }
    }
    for (const d of decided) {
      if (d.provided) {
        ctx.bus.publish({
          kind: 'info',
          phase: 'database',
          message: `${d.name}: using the URL you gave`,
        });
        started.push({ name: d.name, kind: d.kind, pid: null, url: d.url, dataDir: null });
        continue;
      }
      const db = await startOne(ctx, d);
      started.push({ name: d.name, kind: d.kind, pid: db.pid, url: db.url, dataDir: db.dataDir });
      await applyInitScripts(ctx, d, db);
    }
    await runMigrations(ctx);
    return started;
  },
} satisfies Agent<'databases'>;

/**
 * A database server's command line inside the run: in the run's cgroup and network
 * (`ctx.isolation.prefix`), and, unless the run is unsandboxed, in a bubblewrap sandbox of
 * its own: the system read-only, the data dir (`cmd.writable`) writable, the operator's
 * home, the data dir's other runs, `/tmp` and the hidden system files as for the run's
 * code (see `bwrapArgv`), no package caches, no capabilities, as the server's system
 * account (`postgres`, `mysql`) or, for a server with none (Redis), the run's own user.
 * Its own home and temp are `<run dir>/databases/.sandbox/<name>/`.
 */
function confineServer(ctx: RunContext, name: string, cmd: ServerCommand): string[] {
  const prefix = ctx.isolation?.prefix ?? [];
  if (ctx.options.sandbox === 'none') return [...prefix, ...runAs(cmd.user, cmd.argv)];
  const uid = cmd.user?.uid ?? ctx.isolation?.uid ?? null;
  if (!cmd.user) for (const dir of cmd.writable) giveToRun(dir, uid);
  return bwrapArgv(
    {
      runDir: path.join(ctx.runDir, 'databases', '.sandbox', name),
      repoPath: null,
      dataDir: ctx.home,
      operatorHome: os.homedir(),
      cacheDir: null,
      caches: false,
      writable: cmd.writable,
      hostsFile: ctx.isolation?.hostsFile ?? null,
      resolvConf: ctx.isolation?.resolvConf ?? null,
      prefix,
      uid,
      gid: cmd.user?.gid ?? uid,
    },
    // Started in `/`: bubblewrap enters the working directory before the switch to the
    // server's account, and without capabilities it cannot enter a 0700 data dir; every
    // server is given its data dir by absolute path and changes into it itself.
    { argv: cmd.argv, cwd: '/', env: { PATH: process.env.PATH ?? '' }, service: true },
  );
}

async function startOne(ctx: RunContext, d: DecidedDatabase): Promise<ProvisionedDatabase> {
  const log = logFile(ctx.runDir, `db-${d.name}`);
  const repoPath = ctx.state.workspace?.repoPath ?? ctx.source;
  const dataDir = databaseDataDir(ctx.home, ctx.runDir, repoPath, d.name, ctx.options.keepData);
  if (ctx.options.keepData) {
    mkdirSync(path.dirname(dataDir), { recursive: true });
    writeJsonAtomic(`${dataDir}.credentials.json`, {
      kind: d.kind,
      user: d.user,
      password: d.password,
      database: d.database,
    });
  }
  let recorded: Promise<number> | undefined;
  // In the run's own network the server listens inside on its kind's usual port, published
  // on the host at its leased one (where the readiness checks and `psql` reach it).
  const network = ctx.isolation?.network;
  const listenPort = network ? (d.listenPort ?? d.port) : d.port;
  if (network && !network.published().has(d.port)) await network.publish(d.port, listenPort);
  const options: StartDatabaseOptions = {
    dataDir,
    port: d.port,
    listenPort,
    confine: (cmd) => confineServer(ctx, d.name, cmd),
    database: d.database,
    user: d.user,
    password: d.password,
    signal: ctx.signal,
    logFile: log,
    onSpawn: (pid) => {
      recorded = ctx.store.recordProcess({
        runId: ctx.runId,
        service: `db:${d.name}`,
        kind: 'database',
        pid,
        command: `${d.kind} server on 127.0.0.1:${d.port}`,
      });
    },
  };
  try {
    const db = await STARTERS[d.kind](options);
    ctx.bus.publish({
      kind: 'service',
      phase: 'database',
      service: `db:${d.name}`,
      message: `${d.kind} ready on 127.0.0.1:${d.port}`,
      data: { pid: db.pid, port: d.port },
    });
    return db;
  } catch (err) {
    await recorded;
    if (ctx.signal.aborted) throw err;
    throw new NeedsFixError(
      'DATABASE_FAILED',
      `${d.kind} server ${d.name} did not come up: ${(err as Error).message}`,
      `read ${log}`,
      { cause: err },
    );
  }
}

/**
 * Runs the initialisation scripts a compose file mounts into the database image's
 * `/docker-entrypoint-initdb.d` (`DatabaseSpec.initScripts`) as the image would: once, on a
 * fresh data dir (a marker beside it, `<data dir>.initdb-done`, keeps a `--keep-data`
 * database from running them twice), in file-name order, as the app's account in its
 * database. A script that fails is reported as a warning with its output's tail and the
 * rest still run; the app's own checks then say what is missing.
 */
async function applyInitScripts(
  ctx: RunContext,
  d: DecidedDatabase,
  db: ProvisionedDatabase,
): Promise<void> {
  const spec = ctx.state.plan?.databases?.find((s) => s.name === d.name);
  if (!spec?.initScripts?.length || d.kind === 'redis') return;
  const marker = `${db.dataDir}.initdb-done`;
  if (existsSync(marker)) return;
  const repoPath = ctx.state.workspace?.repoPath ?? ctx.source;
  const { scripts, skipped } = expandInitScripts(repoPath, spec.initScripts);
  const log = logFile(ctx.runDir, `db-${d.name}`);
  const failed: string[] = [];
  const target = { kind: d.kind, port: d.port, user: d.user, password: d.password };
  for (const script of scripts) {
    const r = await runInitScript({ ...target, database: d.database, signal: ctx.signal }, script);
    appendFileSync(
      log,
      `[repo-runner] init script ${script.name}: ${r.failed ? 'failed' : 'ok'}\n${r.stderr}`,
    );
    if (r.failed) failed.push(`${script.name}: ${outputTail(r, 3).join(' | ') || r.spawnError}`);
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  const ran = scripts.length - failed.length;
  ctx.bus.publish({
    kind: failed.length > 0 || skipped.length > 0 ? 'warning' : 'info',
    phase: 'database',
    service: `db:${d.name}`,
    message: [
      `${ran} of ${scripts.length} init script(s) from the compose file applied (${scripts.map((s) => s.name).join(', ')})`,
      ...failed.map((f) => `failed ${f}`),
      ...(skipped.length > 0 ? [`not run (shell scripts): ${skipped.join(', ')}`] : []),
    ].join('; '),
  });
}
