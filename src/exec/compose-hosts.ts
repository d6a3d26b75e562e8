/** The part of a decided database that host rewriting needs. */
export interface DatabaseHost {
  name: string;
  port: number;
  /** Where the server listens inside the run's own network, when not `port`. */
  listenPort?: number;
  provided: boolean;
  /** Its kind and URL (with the credentials the server really has), when known. */
  kind?: 'postgres' | 'mysql' | 'redis';
  url?: string;
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
    // A SQL URL to the compose host carries the container's credentials, which the local
    // server may not have (it generates a password the compose file leaves empty): the
    // whole URL becomes the server's own, in the value's scheme (`postgresql+asyncpg://`).
    if (d.url && d.kind && d.kind !== 'redis') {
      const m = new RegExp(`^([a-z][\\w+.-]*)://(?:[^@/\\s]*@)?${host}(?::\\d+)?(?=[/?#]|$)`).exec(
        out,
      );
      const ours = d.url.split('://')[1];
      if (m?.[1] && ours) return `${m[1]}://${ours}`;
    }
    out = out.replace(
      new RegExp(`([@/])${host}(?::\\d+)?(?=[/?#]|$)`, 'g'),
      `$1127.0.0.1:${d.listenPort ?? d.port}`,
    );
  }
  return out;
}
