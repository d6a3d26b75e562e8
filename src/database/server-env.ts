/**
 * Our environment for a database server and its tools, minus the variables that would
 * point them elsewhere: libpq's `PG*` (PGDATA, PGHOST, PGPORT…) and MariaDB's `MYSQL_*`
 * and `MARIADB_*` (MYSQL_HOST, MYSQL_TCP_PORT, MYSQL_UNIX_PORT, MYSQL_PWD…).
 */
export function serverEnv(base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined && !/^(PG|MYSQL_|MARIADB_)/.test(k)) env[k] = v;
  }
  return env;
}
