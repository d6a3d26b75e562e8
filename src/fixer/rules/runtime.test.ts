import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyLog, failedResult } from '../failures.test-kit.js';

test("Node's listen EADDRINUSE is port-in-use with the port", () => {
  const sig = classifyLog(`node:events:497
      throw er; // Unhandled 'error' event
      ^

Error: listen EADDRINUSE: address already in use :::3000
    at Server.setupListenHandle [as _listen2] (node:net:1872:16)
    at listenInCluster (node:net:1920:12)
    at Server.listen (node:net:2008:7)
Emitted 'error' event on Server instance at:
    at emitErrorNT (node:net:1899:8) {
  code: 'EADDRINUSE',
  errno: -98,
  syscall: 'listen',
  address: '::',
  port: 3000
}`);
  assert.equal(sig.class, 'port-in-use');
  assert.deepEqual(sig.details, { host: '::', port: '3000' });
  assert.equal(sig.fixable, true);
});

test("gunicorn: Connection in use: ('127.0.0.1', 8000), then its retries", () => {
  const sig = classifyLog(`[2024-05-01 10:00:00 +0000] [9] [INFO] Starting gunicorn 22.0.0
[2024-05-01 10:00:00 +0000] [9] [ERROR] Connection in use: ('127.0.0.1', 8000)
[2024-05-01 10:00:00 +0000] [9] [ERROR] Retrying in 1 second.
[2024-05-01 10:00:05 +0000] [9] [ERROR] Can't connect to ('127.0.0.1', 8000)`);
  assert.equal(sig.class, 'port-in-use');
  assert.deepEqual(sig.details, { host: '127.0.0.1', port: '8000' });
});

test("Flask/werkzeug: Address already in use, then 'Port 5000 is in use by another program'", () => {
  const sig = classifyLog(` * Serving Flask app 'app'
 * Debug mode: off
Address already in use
Port 5000 is in use by another program. Either identify and stop that program, or start the server with a different port.`);
  assert.equal(sig.class, 'port-in-use');
  assert.deepEqual(sig.details, { port: '5000' });
});

test('uvicorn: [Errno 98] error while attempting to bind on address', () => {
  const sig = classifyLog(`INFO:     Started server process [12]
INFO:     Waiting for application startup.
INFO:     Application startup complete.
ERROR:    [Errno 98] error while attempting to bind on address ('127.0.0.1', 8000): address already in use
INFO:     Waiting for application shutdown.
INFO:     Application shutdown complete.`);
  assert.equal(sig.class, 'port-in-use');
  assert.deepEqual(sig.details, { host: '127.0.0.1', port: '8000' });
});

test('Django runserver: That port is already in use (no port printed, still fixable)', () => {
  const sig = classifyLog('Error: That port is already in use.');
  assert.equal(sig.class, 'port-in-use');
  assert.deepEqual(sig.details, {});
  assert.equal(sig.fixable, true);
});

test('Docker: port is already allocated', () => {
  const sig = classifyLog(
    'Error response from daemon: driver failed programming external connectivity on endpoint db: Bind for 0.0.0.0:5432 failed: port is already allocated',
    'database',
  );
  assert.equal(sig.class, 'port-in-use');
  assert.deepEqual(sig.details, { host: '0.0.0.0', port: '5432' });
});

test('a server announcing [::1] while probed on 127.0.0.1 is wrong-host-binding', () => {
  const sig = classifyLog('Server listening on http://[::1]:3000', 'health', {
    healthDetail: 'no answer within 30000 ms (last: ECONNREFUSED)',
  });
  assert.equal(sig.class, 'wrong-host-binding');
  assert.deepEqual(sig.details, { host: '::1', port: '3000' });
});

test('uvicorn bound to a LAN address is wrong-host-binding', () => {
  const sig = classifyLog(
    'INFO:     Uvicorn running on http://192.168.1.20:8000 (Press CTRL+C to quit)',
    'health',
  );
  assert.equal(sig.class, 'wrong-host-binding');
  assert.deepEqual(sig.details, { host: '192.168.1.20', port: '8000' });
});

test('Flask on 0.0.0.0 lists its LAN address too: not a wrong binding, so never-binds', () => {
  const sig = classifyLog(
    ` * Serving Flask app 'app'
 * Running on all addresses (0.0.0.0)
 * Running on http://127.0.0.1:5000
 * Running on http://172.17.0.2:5000
Press CTRL+C to quit`,
    'health',
    { healthDetail: 'no answer within 30000 ms (last: ECONNREFUSED)' },
  );
  assert.equal(sig.class, 'never-binds');
  assert.deepEqual(sig.details, { timeoutMs: '30000', last: 'ECONNREFUSED' });
});

test("Vite's Network: line is not a bind announcement", () => {
  const sig = classifyLog(
    `  VITE v5.4.0  ready in 312 ms

  ➜  Local:   http://localhost:5173/
  ➜  Network: http://192.168.1.5:5173/`,
    'health',
  );
  assert.equal(sig.class, 'unknown');
});

test('wrong-host-binding only applies to start and health', () => {
  const sig = classifyLog('Server listening on http://[::1]:3000', 'build');
  assert.equal(sig.class, 'unknown');
});

test('V8: JavaScript heap out of memory', () => {
  const sig = classifyLog(
    `<--- Last few GCs --->
[31:0x5b1c000]    91234 ms: Mark-Compact 2041.2 (2083.5) -> 2040.1 (2084.0) MB, 1520.3 / 0.0 ms  (average mu = 0.112, current mu = 0.011) allocation failure

FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory
 1: 0xb7a940 node::Abort() [node]
 2: 0xa8e823  [node]`,
    'build',
    { result: failedResult({ exitCode: 134, signal: 'SIGABRT' }) },
  );
  assert.equal(sig.class, 'out-of-memory');
  assert.deepEqual(sig.details, { runtime: 'node' });
});

test('CPython MemoryError at the end of a traceback', () => {
  const sig = classifyLog(`  File "/app/train.py", line 40, in load
    data = [0] * (10 ** 11)
MemoryError`);
  assert.equal(sig.class, 'out-of-memory');
  assert.deepEqual(sig.details, { runtime: 'python' });
});

test("a shell's 'Killed' line is out-of-memory unless the run killed it (timeout)", () => {
  const log = `Building wheels for collected packages: torch
Killed`;
  assert.equal(classifyLog(log, 'dependencies').class, 'out-of-memory');
  const timed = classifyLog(log, 'dependencies', {
    result: failedResult({ timedOut: true, exitCode: null, signal: 'SIGTERM', durationMs: 600000 }),
  });
  assert.equal(timed.class, 'command-timed-out');
  assert.deepEqual(timed.details, { durationMs: '600000' });
});
