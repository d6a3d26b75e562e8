import { compact, matchTable, splitHostPort, type Extractor } from './text.js';
import type { Rule } from './types.js';

const hostPort = (host: string | undefined, port: string | undefined) =>
  compact({ host: host || undefined, port });

const PORT_MESSAGES: readonly Extractor[] = [
  // node net.Server#listen: "Error: listen EADDRINUSE: address already in use :::3000"
  [/listen EADDRINUSE: address already in use (\S+)/, (m) => compact(splitHostPort(m[1] ?? ''))],
  // gunicorn arbiter: "Connection in use: ('127.0.0.1', 8000)", then "Can't connect to ('127.0.0.1', 8000)"
  [/(?:Connection in use: |Can't connect to )\('([^']*)', (\d+)\)/, (m) => hostPort(m[1], m[2])],
  // uvicorn: "[Errno 98] error while attempting to bind on address ('127.0.0.1', 8000): address already in use"
  [
    /attempting to bind on address \('([^']*)', (\d+)\): address already in use/i,
    (m) => hostPort(m[1], m[2]),
  ],
  // werkzeug "Port 5000 is in use by another program."; Vite "Port 5173 is in use, trying another one..."; Spring "Port 8080 was already in use."
  [/Port (\d+) (?:is|was) (?:already )?in use/i, (m) => compact({ port: m[1] })],
  // Docker: "Bind for 0.0.0.0:5432 failed: port is already allocated"
  [/Bind for (\S+) failed: port is already allocated/, (m) => compact(splitHostPort(m[1] ?? ''))],
  // Go net.Listen: "listen tcp :8080: bind: address already in use"
  [/listen tcp (\S*?):(\d+): bind: address already in use/, (m) => hostPort(m[1], m[2])],
  // Puma: 'Address already in use - bind(2) for "0.0.0.0" port 3000 (Errno::EADDRINUSE)'
  [/bind\(2\) for "([^"]*)" port (\d+)/, (m) => hostPort(m[1], m[2])],
  // Django runserver "Error: That port is already in use."; CPython "OSError: [Errno 98] Address already in use"
  [
    /That port is already in use|EADDRINUSE|Address already in use|\[Errno (?:98|48|10048)\]/i,
    () => ({}),
  ],
];

/**
 * Another process holds the port (formats on each extractor). A bare match (Node's error
 * object line `code: 'EADDRINUSE',`, CPython's `[Errno 98]`) takes the port from a nearby
 * line that names it.
 */
export const portInUse: Rule = {
  id: 'runtime/port-in-use',
  class: 'port-in-use',
  stage: 'line',
  test: ({ lines, at, line }) => {
    const d = matchTable(line, PORT_MESSAGES);
    if (!d || d.port) return d;
    for (let i = Math.max(0, at - 15); i <= Math.min(lines.length - 1, at + 3); i++) {
      const near = matchTable(lines[i] ?? '', PORT_MESSAGES);
      if (near?.port) return near;
    }
    return d;
  },
};

/**
 * A server's own "listening" announcement: Node apps ("Listening on http://[::1]:3000"),
 * uvicorn ("Uvicorn running on http://…"), gunicorn ("Listening at: http://…"), Flask
 * ("* Running on http://…"), Django ("Starting development server at http://…").
 */
const ANNOUNCE =
  /\b(?:listening|running|serving|started|starting development server|bound|server (?:is )?(?:up|ready))\b.*?\b(?:on|at):?\s+(?:https?:\/\/)?(\[[0-9a-fA-F:.]+\]|\d{1,3}(?:\.\d{1,3}){3}|[a-zA-Z][\w-]*(?:\.[\w-]+)*):(\d{1,5})/i;
/** Bind addresses a probe on loopback reaches. */
const REACHABLE = new Set(['0.0.0.0', '127.0.0.1', 'localhost', '::', '*']);

function announced(line: string): { host: string; port: string } | null {
  if (/\bNetwork:/.test(line)) return null; // Vite/Next list LAN addresses beside Local:
  const m = ANNOUNCE.exec(line);
  return m?.[1] && m[2] ? { host: m[1].replace(/^\[|\]$/g, ''), port: m[2] } : null;
}

/**
 * The service says it listens on an address the loopback probe cannot reach (e.g.
 * `[::1]`, a LAN IP). Not when any line also announces a reachable address (Flask with
 * host 0.0.0.0 prints "Running on all addresses" then each interface).
 */
export const wrongHostBinding: Rule = {
  id: 'runtime/wrong-host-binding',
  class: 'wrong-host-binding',
  stage: 'line',
  phases: ['start', 'health'],
  test: ({ lines, line }) => {
    const bind = announced(line);
    if (!bind || REACHABLE.has(bind.host)) return null;
    const fine = lines.some((l) => {
      const other = announced(l);
      return /Running on all addresses/.test(l) || (other !== null && REACHABLE.has(other.host));
    });
    return fine ? null : bind;
  },
};

const MEMORY_MESSAGES: readonly Extractor[] = [
  // V8: "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"
  [/JavaScript heap out of memory/, () => ({ runtime: 'node' })],
  // JVM: "java.lang.OutOfMemoryError: Java heap space"
  [/java\.lang\.OutOfMemoryError/, () => ({ runtime: 'java' })],
  // CPython: "MemoryError", numpy "numpy.core._exceptions._ArrayMemoryError: Unable to allocate …"
  [/^\s*(?:[\w.]*\.)?_?(?:Array)?MemoryError\b/, () => ({ runtime: 'python' })],
  // gunicorn: "Worker (pid:12) was sent SIGKILL! Perhaps out of memory?"
  [/was sent SIGKILL! Perhaps out of memory\?/, () => ({ runtime: 'python' })],
  // Go: "fatal error: runtime: out of memory"
  [/fatal error: runtime: out of memory/, () => ({ runtime: 'go' })],
  // gcc under the OOM killer: "c++: fatal error: Killed signal terminated program cc1plus"
  [
    /Killed signal terminated program (\S+)/,
    (m) => compact({ runtime: 'compiler', program: m[1] }),
  ],
  // kernel: "Out of memory: Killed process 1234 (node)"
  [/Out of memory: Killed process/, () => ({})],
];

/**
 * The process ran out of memory (formats above), or a shell reported its child "Killed"
 * (SIGKILL, in practice the OOM killer) when Repo Runner did not kill it itself.
 */
export const outOfMemory: Rule = {
  id: 'runtime/out-of-memory',
  class: 'out-of-memory',
  stage: 'line',
  test: ({ line, result }) => {
    const d = matchTable(line, MEMORY_MESSAGES);
    if (d) return d;
    const ourKill = result?.timedOut === true || result?.aborted === true;
    return !ourKill && /^\s*Killed\s*$/.test(line) ? {} : null;
  },
};
