import { existsSync } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import { capLogFile, rotate } from '../exec/log-rotation.js';
import { listeningPortsOf } from '../exec/listening-ports.js';
import { spawnServiceProcess, stopProcessGroup } from '../exec/process-group.js';
import { RepoRunnerError } from '../model/errors.js';
import { BackendUnavailableError } from './types.js';

/**
 * Default wait for `chroma run` to answer its heartbeat: 30 000 ms. Measured here: 0.3 s with
 * the binding in the page cache, about 1.3 s after evicting its 437 MB native file; 30 s
 * leaves a slow disk (437 MB at 20 MB/s is 22 s) room, while a hung start still ends.
 */
export const CHROMA_READY_TIMEOUT_MS = 30_000;

/** Grace between SIGTERM and SIGKILL on stop: 5000 ms (Chroma exits on SIGTERM in ~10 ms). */
export const CHROMA_STOP_GRACE_MS = 5000;

/** The server log is kept at most about this size, plus one `.1` generation: 1 MiB (bytes). */
export const CHROMA_LOG_MAX_BYTES = 1024 * 1024;

/** The server log's name inside `dataDir`. */
export const CHROMA_LOG_NAME = 'chroma-server.log';

/** Readiness probe of Chroma 1.x (the server in chromadb 3.5.0's bindings): `GET /api/v2/heartbeat`. */
export const CHROMA_HEARTBEAT_PATH = '/api/v2/heartbeat';

/** Options of {@link startChromaServer}. */
export interface ChromaServerOptions {
  /** Chroma's persistence folder (`--path`; created, mode 0700); the log is written here too. */
  dataDir: string;
  /** Port on 127.0.0.1; default a free one from get-port (retried up to 3 times if taken meanwhile). */
  port?: number;
  /** Receives one line per lifecycle step (starting, ready in N ms, stopped). */
  log?: (message: string) => void;
  /** Wait for the heartbeat, in ms; default {@link CHROMA_READY_TIMEOUT_MS}. */
  readyTimeoutMs?: number;
  /** Aborting stops a starting server and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** A running `chroma run`, the leader of its own process group. */
export interface ChromaServer {
  /** `http://127.0.0.1:<port>`, for {@link openChromaStore}. */
  url: string;
  port: number;
  /** Process group leader (the Node process hosting Chroma's Rust server). */
  pid: number;
  /** Its output, capped at {@link CHROMA_LOG_MAX_BYTES} (older output in `<logFile>.1`). */
  logFile: string;
  /** SIGTERM to the group, SIGKILL after {@link CHROMA_STOP_GRACE_MS}; resolves once all exited. Safe to call twice. */
  stop(): Promise<void>;
}

/** A `chroma run` that could not start: a BackendUnavailableError carrying its log's last lines. */
export class ChromaStartError extends BackendUnavailableError {
  constructor(
    reason: string,
    readonly logFile: string,
    /** Last lines of the log (at most 15), escape sequences removed. */
    readonly logTail: string[],
  ) {
    const shown =
      logTail.length > 0 ? `; last lines of ${logFile}:\n  ${logTail.join('\n  ')}` : '';
    super('chroma', `${reason}${shown}`, `read ${logFile}; remove the folder to start afresh`);
    this.name = 'ChromaStartError';
  }
}

/**
 * The project's `node_modules/.bin/chroma`: the first one found walking up from this module's
 * folder (the project root in a checkout, or where npm hoisted it), never from the cwd.
 * Null when chromadb is not installed.
 */
export function findChromaCli(from = path.dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const bin = path.join(dir, 'node_modules', '.bin', 'chroma');
    if (existsSync(bin)) return bin;
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * The Chroma server the user gives in `REPO_RUNNER_CHROMA_URL`, as its origin
 * (`http://host:port`), or undefined when unset or empty.
 *
 * @throws RepoRunnerError `BAD_INPUT` when it is not an http(s) URL without path, query or credentials.
 * @example
 * chromaUrlFromEnv({ REPO_RUNNER_CHROMA_URL: 'http://127.0.0.1:8000/' }); // 'http://127.0.0.1:8000'
 */
export function chromaUrlFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.REPO_RUNNER_CHROMA_URL?.trim();
  if (!raw) return undefined;
  return parseChromaUrl(raw, 'REPO_RUNNER_CHROMA_URL').origin;
}

/**
 * Splits a Chroma server URL into what the chromadb client takes.
 *
 * @throws RepoRunnerError `BAD_INPUT` naming `source` for anything but `http(s)://host[:port][/]`
 * (the client cannot send a path prefix, and a token goes in a header, not the URL).
 */
export function parseChromaUrl(
  raw: string,
  source = 'the Chroma URL',
): { origin: string; host: string; port: number; ssl: boolean } {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    /* reported below */
  }
  const ok =
    url &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.pathname === '/' &&
    !url.search &&
    !url.hash &&
    !url.username &&
    !url.password;
  if (!url || !ok) {
    throw new RepoRunnerError(
      'BAD_INPUT',
      `${source} must be an http(s) URL of a Chroma server, got ${JSON.stringify(raw)}`,
      'give it as http://host:port (no path, query or credentials), e.g. http://127.0.0.1:8000',
    );
  }
  const ssl = url.protocol === 'https:';
  const port = url.port ? Number(url.port) : ssl ? 443 : 80;
  return { origin: url.origin, host: url.hostname, port, ssl };
}

/** Last `count` lines of the log, ANSI colour codes (Chroma's banner) removed. */
async function logTail(file: string, count = 15): Promise<string[]> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(length);
      await handle.read(buf, 0, length, size - length);
      // eslint-disable-next-line no-control-regex
      const text = buf.toString('utf8').replace(/\x1b\[[0-9;]*m/g, '');
      return text
        .split('\n')
        .map((l) => l.trimEnd())
        .filter((l) => l.length > 0)
        .slice(-count);
    } finally {
      await handle.close();
    }
  } catch {
    return [];
  }
}

/** Our environment minus what would reconfigure Chroma (`CHROMA_*`, `OTEL_*`) or its Node host. */
function chromaEnv(base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined && !/^(CHROMA_|OTEL_|NODE_OPTIONS$|NODE_TEST_CONTEXT$)/.test(k)) env[k] = v;
  }
  return env;
}

/** True when `url` answers the heartbeat with 200 within 1 s. */
async function heartbeat(url: string): Promise<boolean> {
  try {
    const res = await fetch(url + CHROMA_HEARTBEAT_PATH, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * True when the process tree of `pid` holds the listening socket on `port`: a heartbeat alone
 * could come from whoever else took the port (Chroma then exits with code 0). Without /proc
 * (not Linux) the heartbeat is trusted.
 */
function ownsPort(pid: number, port: number): boolean {
  try {
    return listeningPortsOf(pid).includes(port);
  } catch {
    return true;
  }
}

/**
 * Starts `chroma run --path <dataDir> --host 127.0.0.1 --port <port>` (the project's
 * `node_modules/.bin/chroma`, run by this Node) as the leader of a new process group, its
 * output appended to `<dataDir>/chroma-server.log`, and polls `GET /api/v2/heartbeat` every
 * 50 ms until it answers from that process. The server outlives this process until `stop()`.
 *
 * @throws BackendUnavailableError when chromadb is not installed; {@link ChromaStartError}
 * (a BackendUnavailableError with `logFile` and `logTail`) when the server exits before
 * answering or does not answer within `readyTimeoutMs`; the signal's reason on abort. A
 * failed start leaves no process behind.
 * @example
 * const server = await startChromaServer({ dataDir: '/var/lib/rr/chroma' });
 * const store = await openChromaStore({ url: server.url, collection: 'chunks', dimension: 384 });
 * // …
 * await store.close();
 * await server.stop();
 */
export async function startChromaServer(options: ChromaServerOptions): Promise<ChromaServer> {
  const cli = findChromaCli();
  if (!cli) {
    throw new BackendUnavailableError(
      'chroma',
      'node_modules/.bin/chroma (the chromadb package) is not installed',
      'install the project dependencies (npm ci)',
    );
  }
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const logFile = path.join(dataDir, CHROMA_LOG_NAME);
  // Earlier starts' output over the cap moves to `.1`: a start never inherits a full log.
  if (((await stat(logFile).catch(() => null))?.size ?? 0) > CHROMA_LOG_MAX_BYTES) {
    await rotate(logFile);
  }
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await getPort({ host: '127.0.0.1' }));
    try {
      return await launch(cli, dataDir, port, logFile, options);
    } catch (err) {
      // Someone took the free port between get-port and the bind: pick another.
      const taken =
        err instanceof ChromaStartError &&
        err.logTail.some((l) => l.includes(`:${port} is not available`));
      if (!taken || options.port !== undefined || attempt >= 3) throw err;
    }
  }
}

async function launch(
  cli: string,
  dataDir: string,
  port: number,
  logFile: string,
  o: ChromaServerOptions,
): Promise<ChromaServer> {
  o.signal?.throwIfAborted();
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  o.log?.(`starting chroma on ${url} (data in ${dataDir})`);
  const child = await spawnServiceProcess({
    argv: [
      process.execPath,
      cli,
      'run',
      '--path',
      dataDir,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    cwd: dataDir,
    env: chromaEnv(),
    logFile,
  });
  // The caller owns the server through stop(); it must not keep our event loop alive.
  child.unref();
  const pid = child.pid;
  const cap = capLogFile(logFile, CHROMA_LOG_MAX_BYTES);
  let exited: string | null = null;
  const exit = new Promise<false>((resolve) =>
    child.once('exit', (code, sig) => {
      exited = sig ? `was killed by ${sig}` : `exited with code ${code}`;
      resolve(false);
    }),
  );
  const timeoutMs = o.readyTimeoutMs ?? CHROMA_READY_TIMEOUT_MS;
  const fail = async (why: string) =>
    new ChromaStartError(`chroma run on ${url} ${why}`, logFile, await logTail(logFile));
  try {
    for (;;) {
      o.signal?.throwIfAborted();
      if (await Promise.race([heartbeat(url), exit])) {
        if (!exited && ownsPort(pid, port)) break;
      }
      if (exited) throw await fail(`${exited} before answering`);
      if (Date.now() - started > timeoutMs) {
        throw await fail(`did not answer ${CHROMA_HEARTBEAT_PATH} within ${timeoutMs} ms`);
      }
      await sleep(50);
    }
  } catch (err) {
    cap.stop();
    await stopProcessGroup(pid, CHROMA_STOP_GRACE_MS);
    throw err;
  }
  o.log?.(`chroma on ${url} ready in ${Date.now() - started} ms (pid ${pid})`);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      cap.stop();
      const how = await stopProcessGroup(pid, CHROMA_STOP_GRACE_MS);
      o.log?.(`chroma on ${url} stopped (${how})`);
    })());
  return { url, port, pid, logFile, stop };
}
