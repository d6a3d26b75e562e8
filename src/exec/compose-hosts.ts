/** The part of a decided database that host rewriting needs. */
export interface DatabaseHost {
  name: string;
  port: number;
  /** Where the server listens inside the run's own network, when not `port`. */
  listenPort?: number;
  provided: boolean;
}

/**
 * Rewrites a compose-style value that reaches a database by its compose host name
 * (`postgres://app:pw@db:5432/app`, `redis://cache:6379`, `DB_HOST=db`) to the local server:
 * `127.0.0.1:<port>` (the port the app reaches it on: inside the run's network, its listen port).
 */
export function rewriteComposeHost(value: string, dbs: DatabaseHost[]): string {
  let out = value;
  for (const d of dbs) {
    if (d.provided) continue;
    if (out === d.name) return '127.0.0.1';
    const host = d.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(
      new RegExp(`([@/])${host}(?::\\d+)?(?=[/?#]|$)`, 'g'),
      `$1127.0.0.1:${d.listenPort ?? d.port}`,
    );
  }
  return out;
}
