import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import {
  FALLBACK_PATHS,
  ROOT_ERROR_GRACE_MS,
  SERVER_ERROR_GRACE_MS,
  connectHost,
  waitForReady,
} from './readiness.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const servers: Array<http.Server | net.Server> = [];
after(async () => {
  for (const s of servers) {
    if ('closeAllConnections' in s) s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A real HTTP server on 127.0.0.1, on a port the OS picks; records the paths asked for. */
async function serve(handler: Handler): Promise<{ port: number; paths: string[] }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, paths };
}

/** A port nothing listens on (bound by the OS, then released). */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const base = { host: '127.0.0.1', protocol: 'http' as const, path: null, timeoutMs: 5000 };

describe('waitForReady (http)', () => {
  it('waits through 503 answers and is ready once one is below 500, trying paths in order', async () => {
    let n = 0;
    const { port, paths } = await serve((_req, res) => {
      res.statusCode = ++n <= 5 ? 503 : 200;
      res.end();
    });
    const result = await waitForReady({ ...base, port, path: '/ready' });
    assert.equal(result.ready, true);
    // Round 1 asks /ready, /health, /healthz, / (all 503); round 2: /ready (503), /health
    // (200), then / (what a user opens: 200).
    assert.deepEqual(paths, ['/ready', ...FALLBACK_PATHS, '/ready', '/health', '/']);
    assert.equal(result.url, `http://127.0.0.1:${port}/health`);
    assert.equal(result.detail, 'GET /health → HTTP 200, GET / → HTTP 200');
    assert.ok(result.waitedMs >= 45, `waited ${result.waitedMs} ms (one poll interval)`);
  });

  it("tries the plan's path first and stops at the first answer", async () => {
    const { port, paths } = await serve((req, res) => {
      res.statusCode = req.url === '/api/ping' ? 200 : 404;
      res.end('pong');
    });
    const result = await waitForReady({ ...base, port, path: '/api/ping' });
    assert.equal(result.ready, true);
    assert.equal(result.url, `http://127.0.0.1:${port}/api/ping`);
    assert.deepEqual(paths, ['/api/ping', '/']);
  });

  it('is not healthy while / answers 5xx, whatever the health path says; names both', async () => {
    const { port } = await serve((req, res) => {
      res.statusCode = req.url === '/health' ? 200 : 500;
      res.end();
    });
    const result = await waitForReady({ ...base, port, timeoutMs: 30_000 });
    assert.equal(result.ready, false);
    assert.match(
      result.detail,
      /^GET \/ → HTTP 500 while GET \/health → HTTP 200: the app is up but its front page fails$/,
    );
    // Given up after the grace, not the whole timeout.
    assert.ok(
      result.waitedMs >= ROOT_ERROR_GRACE_MS && result.waitedMs < 20_000,
      `${result.waitedMs} ms`,
    );
  });

  it('counts a 404 as ready (the server is up and serving)', async () => {
    const { port, paths } = await serve((_req, res) => {
      res.statusCode = 404;
      res.end('not found');
    });
    const result = await waitForReady({ ...base, port, path: null });
    assert.equal(result.ready, true);
    assert.equal(result.url, `http://127.0.0.1:${port}/health`);
    assert.equal(result.detail, 'GET /health → HTTP 404, GET / → HTTP 404');
    assert.deepEqual(paths, ['/health', '/']);
  });

  it('does not follow a redirect, and counts it as ready', async () => {
    const { port, paths } = await serve((_req, res) => {
      res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
      res.end();
    });
    const result = await waitForReady({ ...base, port });
    assert.equal(result.ready, true);
    assert.equal(result.detail, 'GET /health → HTTP 302, GET / → HTTP 302');
    assert.equal(paths.length, 2);
  });

  it('reaches a service bound to 0.0.0.0 on loopback', async () => {
    const { port } = await serve((_req, res) => res.end('ok'));
    const result = await waitForReady({ ...base, host: '0.0.0.0', port });
    assert.equal(result.ready, true);
    assert.equal(result.url, `http://127.0.0.1:${port}/health`);
  });

  it('gives up after timeoutMs when nothing listens, saying why', async () => {
    const port = await deadPort();
    const started = Date.now();
    const result = await waitForReady({ ...base, port, timeoutMs: 500 });
    const elapsed = Date.now() - started;
    assert.equal(result.ready, false);
    assert.equal(result.url, null);
    assert.ok(elapsed >= 500 && elapsed < 1500, `took ${elapsed} ms`);
    assert.match(result.detail, /^no answer within 500 ms \(last: ECONNREFUSED\)$/);
    assert.ok(result.waitedMs >= 500);
  });

  it('stops at once when the process has exited, with the reason', async () => {
    const port = await deadPort();
    let calls = 0;
    const started = Date.now();
    const result = await waitForReady({
      ...base,
      port,
      timeoutMs: 30_000,
      exited: () => (++calls >= 3 ? 'exited with code 1' : null),
    });
    assert.equal(result.ready, false);
    assert.equal(result.detail, 'exited with code 1');
    assert.equal(calls, 3);
    // Two poll intervals, not the 30 s timeout.
    assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
  });

  it('stops promptly when the signal aborts, even in a long backoff', async () => {
    const port = await deadPort();
    const controller = new AbortController();
    // Past FAST_POLL_MS the backoff grows (75, 112, 168, 253, 379 ms…): abort inside one.
    setTimeout(() => controller.abort(), 2600);
    const started = Date.now();
    const result = await waitForReady({
      ...base,
      port,
      timeoutMs: 30_000,
      signal: controller.signal,
    });
    const elapsed = Date.now() - started;
    assert.equal(result.ready, false);
    assert.equal(result.detail, 'interrupted');
    assert.ok(elapsed < 2850, `returned ${elapsed - 2600} ms after the abort`);
  });

  it('returns at once for an already aborted signal', async () => {
    const { port, paths } = await serve((_req, res) => res.end('ok'));
    const result = await waitForReady({ ...base, port, signal: AbortSignal.abort() });
    assert.equal(result.ready, false);
    assert.equal(result.detail, 'interrupted');
    assert.deepEqual(paths, []);
  });
});

describe('waitForReady (tcp)', () => {
  it('is ready once a raw TCP server accepts a connection', async () => {
    let accepted = 0;
    const server = net.createServer((socket) => {
      accepted++;
      socket.destroy();
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    const result = await waitForReady({ ...base, protocol: 'tcp', port });
    assert.deepEqual(
      { ready: result.ready, url: result.url, detail: result.detail },
      {
        ready: true,
        url: null,
        detail: 'TCP connect',
      },
    );
    // The accept callback runs on the server's side of the same event loop.
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(accepted, 1);
  });

  it('is not ready when nothing listens', async () => {
    const port = await deadPort();
    const result = await waitForReady({ ...base, protocol: 'tcp', port, timeoutMs: 300 });
    assert.equal(result.ready, false);
    assert.match(result.detail, /ECONNREFUSED/);
  });

  it('becomes ready when the server starts listening later', async () => {
    const port = await deadPort();
    const server = net.createServer((s) => s.destroy());
    servers.push(server);
    setTimeout(() => server.listen(port, '127.0.0.1'), 250);
    const result = await waitForReady({ ...base, protocol: 'tcp', port, timeoutMs: 5000 });
    assert.equal(result.ready, true);
    assert.ok(result.waitedMs >= 250, `waited ${result.waitedMs} ms`);
  });
});

describe('connectHost', () => {
  it('maps wildcard binds to loopback and keeps other hosts', () => {
    assert.equal(connectHost('0.0.0.0'), '127.0.0.1');
    assert.equal(connectHost(''), '127.0.0.1');
    assert.equal(connectHost('::'), '::1');
    assert.equal(connectHost('192.168.1.5'), '192.168.1.5');
    assert.equal(connectHost('localhost'), 'localhost');
  });
});

describe('waitForReady: a server that only fails', () => {
  it('ends after the grace when every path answers 5xx, naming the status and the paths', async () => {
    const { port } = await serve((_req, res) => {
      res.statusCode = 500;
      res.end('database error');
    });
    const result = await waitForReady({ ...base, port, timeoutMs: 60_000 });
    assert.equal(result.ready, false);
    assert.match(
      result.detail,
      /^answers HTTP 500 on every path \(\/health, \/healthz, \/\) for 20 s/,
    );
    assert.ok(
      result.waitedMs >= SERVER_ERROR_GRACE_MS && result.waitedMs < 30_000,
      `${result.waitedMs} ms`,
    );
  });
});
