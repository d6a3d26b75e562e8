import type { SandboxKind } from '../exec/sandbox.js';
import type { FastifyInstance } from 'fastify';
import { createAuthService } from '../auth/service.js';
import { openStore } from '../store/open-store.js';
import { buildServer } from './app.js';

/** Options of {@link startServer} (`repo-runner serve`). */
export interface ServeOptions {
  home: string;
  host: string;
  port: number;
  reposRoots: string[];
  concurrency?: number;
  env?: NodeJS.ProcessEnv;
  logger?: boolean;
  /** How API runs are confined (default `bubblewrap`; see `ServerOptions.sandbox`). */
  sandbox?: SandboxKind;
}

/** A listening server: its URL, and `close` (idempotent) for shutdown. */
export interface RunningServer {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * Opens the store (SQLite in `home`, or PostgreSQL from `REPO_RUNNER_DATABASE_URL`), makes
 * the AuthService and the API, and listens. `close` stops taking requests and runs, aborts
 * in-flight pipelines (their processes are stopped), ends event streams and closes the
 * store; healthy runs stay up under their supervisors until stopped.
 *
 * @example
 * const server = await startServer({ home, host: '127.0.0.1', port: 7878, reposRoots: [] });
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const env = opts.env ?? process.env;
  const store = await openStore({ home: opts.home, env });
  let app: FastifyInstance;
  try {
    app = await buildServer({
      store,
      home: opts.home,
      auth: createAuthService(store, { env }),
      reposRoots: opts.reposRoots,
      env,
      logger: opts.logger ? { level: 'info' } : false,
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
      ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
    });
    await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await store.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    app,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await store.close();
      })()),
  };
}
