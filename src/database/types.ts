/** The database servers Repo Runner can provision locally. MariaDB serves `mysql`. */
export type DatabaseKind = 'postgres' | 'mysql' | 'redis';

/** Every {@link DatabaseKind}, in the order needs are reported. */
export const DATABASE_KINDS: readonly DatabaseKind[] = ['postgres', 'mysql', 'redis'];

/** A database a repository needs, found by reading its files (never by running its code). */
/** A database account and name an app hard-codes; each part only when it does. */
export interface DatabaseCredentials {
  user?: string;
  password?: string;
  database?: string;
}

export interface DatabaseNeed {
  kind: DatabaseKind;
  /**
   * The account and database name the app's config hard-codes, which the provisioned server
   * then has (a run-scoped server: the app's own values are as good as generated ones).
   */
  credentials?: DatabaseCredentials;
  /** What was seen, as `file: detail` (e.g. `requirements.txt: psycopg2-binary`). */
  evidence: string[];
  /**
   * The variable the app reads its connection URL from: the name it uses when a file shows
   * it (e.g. `DB_URL=` in `.env.example`), else `DATABASE_URL` (SQL) or `REDIS_URL`.
   */
  envVar: string;
}

/** A database server started by Repo Runner, listening on 127.0.0.1 only. */
export interface ProvisionedDatabase {
  kind: DatabaseKind;
  /** `postgresql://user:pass@127.0.0.1:port/db`, `mysql://…` or `redis://127.0.0.1:port/0`. */
  url: string;
  host: string;
  port: number;
  /** The application's role or user (absent for Redis, which runs without auth). */
  user?: string;
  password?: string;
  /** The database created for the application (absent for Redis). */
  database?: string;
  /** Leader of the server's process group: stop it with `stopProcessGroup(pid)`. */
  pid: number;
  /** Where the server keeps its data and its Unix socket. */
  dataDir: string;
  /**
   * Variables for the app: `DATABASE_URL` and `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`,
   * `PGDATABASE` (postgres); `DATABASE_URL` and `MYSQL_HOST`, `MYSQL_PORT`, `MYSQL_USER`,
   * `MYSQL_PASSWORD`, `MYSQL_DATABASE` (mysql); `REDIS_URL` (redis).
   */
  env: Record<string, string>;
}

/** Options of `startPostgres`, `startMariadb` and `startRedis`. */
/** The unprivileged system account a server runs as when Repo Runner runs as root. */
export interface ServiceUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** A database server's own command, for {@link StartDatabaseOptions.confine}. */
export interface ServerCommand {
  argv: string[];
  cwd: string;
  /** The system account to run it as (`postgres`, `mysql`); null: as Repo Runner itself. */
  user: ServiceUser | null;
  /** The folders it writes: its data dir (with its Unix socket). */
  writable: string[];
}

export interface StartDatabaseOptions {
  /** The server's data directory; initialised when missing or empty, reused otherwise. */
  dataDir: string;
  /** TCP port on 127.0.0.1 (pick a free one; never the server's default in tests). */
  port: number;
  /** The only address the server listens on. */
  host?: '127.0.0.1';
  /** Database to create for the app (ignored by Redis). Letters, digits and `_` only. */
  database: string;
  /** Role or user to create for the app (ignored by Redis). Letters, digits and `_` only. */
  user: string;
  /** The user's password (ignored by Redis). */
  password: string;
  /** Aborting stops the server if it is still starting and rejects the start. */
  signal?: AbortSignal;
  /** The server's stdout and stderr are appended here. */
  logFile: string;
  /**
   * The port the server listens on, when it differs from `port`: inside a run's own network
   * the server takes its kind's usual port (5432, 3306, 6379: an app that hard-codes it finds
   * it) and `port` is where it is published on the host, where Repo Runner's own clients
   * reach it. Default `port`.
   */
  listenPort?: number;
  /**
   * Confines the server's own processes (initdb and the server; not Repo Runner's clients):
   * the command line to run instead of `cmd.argv`, which runs as `cmd.user` (null: as us)
   * and may write `cmd.writable` only. A run gives its sandbox, cgroup and network here
   * (see `agents/database-agent.ts`). Absent: the command runs as given, as `cmd.user`.
   */
  confine?: (cmd: ServerCommand) => string[];
  /** Called with the process group leader's pid as soon as the server is spawned. */
  onSpawn?: (pid: number) => void;
  /** How long to wait for the server to answer, in ms. Default 60 000. */
  readyTimeoutMs?: number;
}
