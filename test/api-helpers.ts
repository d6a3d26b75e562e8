import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { readSse, type SseEvent } from '../src/client/sse-reader.js';
import { createAuthService } from '../src/auth/service.js';
import type { AuthService, Principal, TierName, User } from '../src/auth/types.js';
import type { JobQueue, RunJob } from '../src/queue/queue.js';
import { buildServer, type ServerOptions } from '../src/server/app.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/model/store.js';
import { tempDir } from './helpers.js';

/** Every caller the authorization matrix walks. */
export const ROLES = [
  'anonymous',
  'free',
  'advanced',
  'premium',
  'tester',
  'admin',
  'developer',
  'blocked',
  'expired',
] as const;
export type Role = (typeof ROLES)[number];

/** The password of every test user (the auth core wants 12 characters or more). */
export const PASSWORD = 'correct horse battery';

/** A queue backend that only records jobs: for tests that must not execute runs. */
export function recordingQueue(): JobQueue<RunJob> & { jobs: RunJob[] } {
  const jobs: RunJob[] = [];
  return {
    jobs,
    async add(job) {
      jobs.push(job);
    },
    stats: () => ({ waiting: jobs.length, active: 0, done: 0 }),
    idle: async () => {},
    close: async () => {},
  };
}

/** A test API over the real store and AuthService, with a clock tests can move. */
export interface TestApi {
  app: FastifyInstance;
  store: Store;
  auth: AuthService;
  home: string;
  /** The repos root: holds `app/` (a tiny Node app) and whatever tests add. */
  root: string;
  /** Moves the auth clock (token expiry, rate-limit windows). */
  shiftClock(ms: number): void;
  users: Record<Exclude<Role, 'anonymous'>, { user: User; token: string }>;
  /** The developer's principal, to call the AuthService directly. */
  developer: Principal;
  /** Bearer header for a role (none for anonymous). */
  headers(role: Role): Record<string, string>;
  close(): Promise<void>;
}

/** Options of {@link makeTestApi}. */
export interface TestApiOptions {
  /** `record` (default): runs are queued, never executed; `in-process`: the real workers. */
  queue?: 'record' | 'in-process';
  /** Store env: `REPO_RUNNER_DATABASE_URL` for PostgreSQL; default SQLite in the temp home. */
  databaseUrl?: string;
  server?: Partial<ServerOptions>;
}

/**
 * Builds the API on a fresh store in a temp dir with one user per tier, a blocked user and
 * one whose session has expired. Close it when done (removes the temp dir).
 */
export async function makeTestApi(
  opts: TestApiOptions = {},
): Promise<TestApi & { queue: ReturnType<typeof recordingQueue> | null }> {
  const tmp = tempDir('api');
  const home = path.join(tmp.dir, 'home');
  const root = path.join(tmp.dir, 'repos');
  mkdirSync(path.join(root, 'app'), { recursive: true });
  writeFileSync(
    path.join(root, 'app', 'package.json'),
    JSON.stringify({
      name: 'app',
      scripts: { start: 'node index.js' },
      dependencies: { express: '4' },
    }),
  );
  writeFileSync(
    path.join(root, 'app', 'index.js'),
    "require('express')().listen(process.env.PORT)\n",
  );
  const env = {
    ...process.env,
    REPO_RUNNER_HOME: home,
    REPO_RUNNER_DATABASE_URL: opts.databaseUrl ?? '',
  };
  const store = await openStore({ home, env });
  let offset = 0;
  const auth = createAuthService(store, {
    argon2: { memoryCost: 1024, timeCost: 1 },
    now: () => new Date(Date.now() + offset),
    sessionTtlMs: 365 * 24 * 3600_000,
    env: {},
  });
  const queue = opts.queue === 'in-process' ? null : recordingQueue();
  const app = await buildServer({
    store,
    home,
    auth,
    reposRoots: [root],
    env,
    ...(queue ? { queue: () => queue } : {}),
    ...opts.server,
  });
  await app.ready();

  const dev = await auth.register({ username: 'dev', password: PASSWORD, tier: 'developer' });
  const developer = await auth.authenticate(dev.token);
  const users = { developer: { user: dev.user, token: dev.token } } as TestApi['users'];
  const make = async (name: Exclude<Role, 'anonymous' | 'developer'>, tier: TierName) => {
    const user = await auth.createUser(developer, { username: name, password: PASSWORD, tier });
    const { token } = await auth.login({ username: name, password: PASSWORD });
    users[name] = { user, token };
  };
  for (const tier of ['free', 'advanced', 'premium', 'tester', 'admin'] as const)
    await make(tier, tier);
  await make('blocked', 'free');
  users.blocked.user = await auth.setBlocked(developer, users.blocked.user.id, true);
  offset = -400 * 24 * 3600_000; // a session made 400 days ago is past its 365-day lifetime
  await make('expired', 'free');
  offset = 0;

  return {
    app,
    store,
    auth,
    home,
    root,
    queue,
    shiftClock: (ms) => (offset += ms),
    users,
    developer,
    headers: (role): Record<string, string> =>
      role === 'anonymous' ? {} : { authorization: `Bearer ${users[role].token}` },
    async close() {
      await app.close();
      await store.close();
      tmp.cleanup();
    },
  };
}

/** Reads a run's SSE stream until `stop` says so (or the stream ends); returns what it read. */
export async function readEvents(
  base: string,
  runId: string,
  token: string,
  stop: (e: SseEvent) => boolean,
  lastEventId?: string,
): Promise<SseEvent[]> {
  const abort = new AbortController();
  const res = await fetch(`${base}/api/v1/runs/${runId}/logs`, {
    headers: {
      authorization: `Bearer ${token}`,
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
    signal: abort.signal,
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.ok(res.headers.get('ratelimit-limit'));
  const seen: SseEvent[] = [];
  try {
    for await (const e of readSse(res.body!)) {
      seen.push(e);
      if (stop(e)) break;
    }
  } finally {
    abort.abort();
  }
  return seen;
}

/** The status of an SSE `status` event, else null. */
export const statusOf = (e: SseEvent) =>
  e.event === 'status' ? (JSON.parse(e.data).status as string) : null;

/** A fetch response's JSON body, loosely typed (tests read it field by field). */
export const body = async (res: Response): Promise<any> => res.json();
