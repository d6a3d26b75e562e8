import path from 'node:path';
import { RepoRunnerError } from '../model/errors.js';
import { stopProcessGroup } from '../exec/process-group.js';
import { outputTail } from '../exec/process-result.js';
import type { ProcessResult } from '../model/process-result.js';
import { runCommand } from '../exec/run-command.js';
import { assertSqlName, type ConnectionInfo, type SqlConnectionParts } from './connection-info.js';
import { assertSocketPath, ensureDataDir, socketDirFor } from './data-dir.js';
import { installHint } from './find-server-binaries.js';
import { launchServer, logResult } from './launch-server.js';
import { serverEnv } from './server-env.js';
import { envFor, runAs, serviceUserFor, type ServiceUser } from './service-user.js';
import type { ProvisionedDatabase, StartDatabaseOptions } from './types.js';

/** What PostgreSQL and MariaDB differ in before their server starts. */
export interface SqlServerSpec<B> {
  kind: 'postgres' | 'mysql';
  /** The server's programs, or null when not installed. */
  bins: B | null;
  /** The TOOLCHAIN_MISSING message, e.g. `PostgreSQL (initdb, postgres, psql) is not installed`. */
  missing: string;
  /** The system user the server runs as when we are root (`postgres`, `mysql`). */
  account: string;
  /** A file that only an initialised data dir holds. */
  marker: string;
  /** For messages: `PostgreSQL`, `MariaDB`. */
  what: string;
  /**
   * The server's Unix socket in `dir` (the data dir, or a short folder when the data dir's
   * path is too long for one: see socketDirFor).
   */
  socket: (dir: string, port: number) => string;
  /** Initialises an empty data dir (initdb, mariadb-install-db). */
  init: (server: SqlServer<B>) => Promise<void>;
}

/** A SQL server ready to launch: its programs, data dir and the account it runs as. */
export interface SqlServer<B> {
  kind: 'postgres' | 'mysql';
  bins: B;
  host: string;
  dataDir: string;
  socket: string;
  runUser: ServiceUser | null;
  /** The caller's options with `dataDir` made absolute. */
  o: StartDatabaseOptions;
}

/**
 * The start-up every SQL server shares: refuses bad names, missing programs and a socket
 * path the server could not bind, picks the account to run as, and initialises the data
 * dir when it is missing or empty (a second start reuses it).
 *
 * @throws RepoRunnerError `TOOLCHAIN_MISSING`, `BAD_INPUT`, or `START_FAILED` from `init`.
 */
export async function prepareSqlServer<B>(
  options: StartDatabaseOptions,
  spec: SqlServerSpec<B>,
): Promise<SqlServer<B>> {
  assertSqlName('database', options.database);
  assertSqlName('user', options.user);
  if (!spec.bins)
    throw new RepoRunnerError('TOOLCHAIN_MISSING', spec.missing, installHint(spec.kind));
  const dataDir = path.resolve(options.dataDir);
  const runUser = await serviceUserFor(spec.account);
  const port = options.listenPort ?? options.port;
  const socketName = path.basename(spec.socket(dataDir, port));
  const socket = spec.socket(socketDirFor(dataDir, socketName, runUser), port);
  assertSocketPath(socket);
  const server: SqlServer<B> = {
    kind: spec.kind,
    bins: spec.bins,
    host: options.host ?? '127.0.0.1',
    dataDir,
    socket,
    runUser,
    o: { ...options, dataDir },
  };
  const initialized = ensureDataDir(dataDir, {
    marker: spec.marker,
    what: spec.what,
    user: runUser,
  });
  if (!initialized) await spec.init(server);
  return server;
}

/**
 * Runs a data-dir initialiser (initdb, mariadb-install-db) as the server's account, its
 * output appended to the server log so a later failure shows it.
 *
 * @throws RepoRunnerError `START_FAILED` with the command's output when it fails.
 */
export async function runServerInit(server: SqlServer<unknown>, argv: string[]): Promise<void> {
  const result = await runCommand(runAs(server.runUser, argv), {
    cwd: server.dataDir,
    env: envFor(server.runUser, serverEnv()),
    // Two minutes: initdb on a slow disk takes tens of seconds; a hang must still end.
    timeoutMs: 120_000,
    signal: server.o.signal,
  });
  logResult(server.o.logFile, result);
  if (result.failed) {
    throw new RepoRunnerError(
      'START_FAILED',
      `${path.basename(argv[0] ?? '')} failed in ${server.dataDir}:\n${outputTail(result, 15).join('\n')}`,
      `check that ${server.dataDir} is writable by the server's user and try again`,
      { details: { result } },
    );
  }
}

/**
 * Launches `argv` as `runUser` (as ourselves when null) with the start options' log file,
 * timeout, signal and spawn callback; see launchServer. With `o.confine` (a run's
 * sandbox) the server runs confined, writing only `writable`; the data dir initialiser
 * (initdb) is not: it runs before any of the repository's code can talk to the server.
 *
 * @returns the process group leader's pid.
 */
export function launchAs(
  runUser: ServiceUser | null,
  o: StartDatabaseOptions,
  server: {
    what: string;
    argv: string[];
    cwd: string;
    isReady: () => Promise<boolean>;
    writable: string[];
  },
): Promise<number> {
  const argv = o.confine
    ? o.confine({
        argv: server.argv,
        cwd: server.cwd,
        user: runUser,
        writable: server.writable,
      })
    : runAs(runUser, server.argv);
  return launchServer({
    ...server,
    argv,
    env: envFor(runUser, serverEnv()),
    logFile: o.logFile,
    timeoutMs: o.readyTimeoutMs,
    signal: o.signal,
    onSpawn: o.onSpawn,
  });
}

/**
 * The end of a SQL server's start: when creating the app's database and account failed,
 * stops the server and throws; otherwise describes the provisioned database.
 *
 * @throws RepoRunnerError `START_FAILED` naming `failure`, with the command's output.
 */
export async function appDatabaseReady(
  server: SqlServer<unknown>,
  pid: number,
  created: ProcessResult,
  failure: string,
  connection: (parts: SqlConnectionParts) => ConnectionInfo,
): Promise<ProvisionedDatabase> {
  const { kind, o, host, dataDir } = server;
  if (created.failed) {
    await stopProcessGroup(pid, 3000);
    throw new RepoRunnerError(
      'START_FAILED',
      `${failure}:\n${outputTail(created, 10).join('\n')}`,
      `read ${o.logFile}`,
    );
  }
  const parts = { host, port: o.port, user: o.user, password: o.password, database: o.database };
  const { url, env } = connection(parts);
  return { kind, url, ...parts, pid, dataDir, env };
}
