import type { SandboxKind } from '../exec/sandbox.js';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AuthService } from '../auth/types.js';
import { createInProcessQueue } from '../queue/in-process.js';
import type { JobQueue, RunJob } from '../queue/queue.js';
import type { Store } from '../model/store.js';
import type { ServerContext } from './context.js';
import './fastify-types.js';
import { authPlugin } from './plugins/auth.js';
import { docsPlugin } from './plugins/docs.js';
import { errorsPlugin, frameworkErrors } from './plugins/errors.js';
import { genReqId, requestIdPlugin } from './plugins/request-id.js';
import { resolveRoots } from './repo-source.js';
import { recoverRuns } from './recover-runs.js';
import { accountRoutes } from './routes/account.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { plansRoutes } from './routes/plans.js';
import { runControlRoutes } from './routes/run-control.js';
import { runLogsRoutes } from './routes/run-logs.js';
import { runIndexRoutes } from './routes/run-index.js';
import { runsRoutes } from './routes/runs.js';
import { usersRoutes } from './routes/users.js';
import { adminAgentRoutes } from './routes/admin-agent.js';
import { orchestratorTokensPlugin } from './plugins/orchestrator-tokens.js';
import { RunWorker } from './run-worker.js';
import { SseHub } from './sse.js';

/** Default request body limit: 64 KiB (bodies are small JSON documents). */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** What {@link buildServer} needs. */
export interface ServerOptions {
  store: Store;
  /** Repo Runner's data directory (runs/<id>/ go there). */
  home: string;
  auth: AuthService;
  /** Directories local sources may be inside (realpath-checked). Default none: git URLs only. */
  reposRoots?: string[];
  /** Runs executed at once by the in-process workers. Default 2. */
  concurrency?: number;
  bodyLimit?: number;
  /** Fastify's logger option. Default off. */
  logger?: boolean | { level: string };
  /**
   * How API runs are confined. Default `bubblewrap`; `none` only with serve's
   * `--unsafe-no-sandbox` (every user's code then runs as the server's user).
   */
  sandbox?: SandboxKind;
  /** Environment of runs and their supervisors. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** A queue backend other than the in-process one (it must call the given handler). */
  queue?: (handler: RunWorker['handle']) => JobQueue<RunJob>;
  /** Re-queue the `queued` API runs a previous server left (default true). */
  recover?: boolean;
}

/**
 * Builds the REST API (not listening yet): JSON under `/api/v1`, OpenAPI at
 * `/openapi.json`, docs at `/docs`, `GET /healthz`. Closing the app stops taking runs,
 * aborts in-flight pipelines (their processes are stopped) and ends event streams; runs
 * already healthy stay up under their detached supervisors.
 *
 * @example
 * const app = await buildServer({ store, home, auth: createAuthService(store) });
 * await app.listen({ host: '127.0.0.1', port: 7878 });
 */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit,
    genReqId,
    requestIdHeader: false,
    frameworkErrors: frameworkErrors(bodyLimit),
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const env = opts.env ?? process.env;
  const worker = new RunWorker({
    store: opts.store,
    home: opts.home,
    env,
    onError: (runId, err) => app.log.error({ err, runId }, 'run failed in its worker'),
  });
  const queue =
    opts.queue?.(worker.handle) ??
    createInProcessQueue({ concurrency: opts.concurrency ?? 2, handler: worker.handle });
  const ctx: ServerContext = {
    store: opts.store,
    home: opts.home,
    auth: opts.auth,
    roots: resolveRoots(opts.reposRoots ?? []),
    sandbox: opts.sandbox ?? 'bubblewrap',
    queue,
    worker,
    sse: new SseHub(),
  };

  requestIdPlugin(app);
  errorsPlugin(app, { bodyLimit });
  authPlugin(app, { auth: opts.auth });
  orchestratorTokensPlugin(app, ctx.store);
  await docsPlugin(app);
  await app.register(healthRoutes, ctx);
  for (const routes of [
    authRoutes,
    accountRoutes,
    usersRoutes,
    runsRoutes,
    runControlRoutes,
    runLogsRoutes,
    runIndexRoutes,
    plansRoutes,
    adminAgentRoutes,
  ])
    await app.register(routes, { ...ctx, prefix: '/api/v1' });

  app.addHook('preClose', async () => ctx.sse.closeAll());
  app.addHook('onClose', async () => queue.close({ abort: true }));
  if (opts.recover ?? true) app.addHook('onReady', async () => recoverRuns(ctx));
  return app;
}
