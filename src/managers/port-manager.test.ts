import assert from 'node:assert/strict';
import net from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../model/store.js';
import { portManager } from './port-manager.js';

const HOST = '127.0.0.1';

function listen(host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  });
}

const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;
const close = (server: net.Server) => new Promise<void>((r) => server.close(() => r()));

describe('portManager', () => {
  let store: Store;

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
  });

  afterEach(async () => {
    await store.close();
  });

  it('gives two runs distinct ports and records each lease under its run and service', async () => {
    const a = await portManager.allocate(store, 'run-a', HOST, ['web', 'api']);
    const b = await portManager.allocate(store, 'run-b', HOST, ['web']);
    const all = [a.web, a.api, b.web];
    for (const p of all) assert.ok(Number.isInteger(p) && p! > 0 && p! < 65536, `port ${p}`);
    assert.equal(new Set(all).size, 3);
    const leases = await store.leasedPorts();
    assert.deepEqual(
      leases.sort((x, y) => x.port - y.port),
      [
        { port: a.web!, runId: 'run-a', service: 'web' },
        { port: a.api!, runId: 'run-a', service: 'api' },
        { port: b.web!, runId: 'run-b', service: 'web' },
      ].sort((x, y) => x.port - y.port),
    );
  });

  it('10 concurrent allocations for different runs get 10 distinct ports', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => portManager.allocate(store, `run-${i}`, HOST, ['web'])),
    );
    const ports = results.map((r) => r.web);
    assert.equal(new Set(ports).size, 10);
    assert.equal((await store.leasedPorts()).length, 10);
  });

  it('10 concurrent allocations all preferring one port: one gets it, the rest get others', async () => {
    const probe = await listen(HOST);
    const wanted = portOf(probe);
    await close(probe);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        portManager.allocate(store, `run-${i}`, HOST, ['web'], { web: wanted }),
      ),
    );
    const ports = results.map((r) => r.web);
    assert.equal(new Set(ports).size, 10);
    assert.ok(ports.filter((p) => p === wanted).length <= 1);
  });

  for (const host of ['127.0.0.1', '0.0.0.0']) {
    it(`never hands out a port a real server holds on 127.0.0.1, even when preferred (run host ${host})`, async () => {
      const server = await listen('127.0.0.1');
      try {
        const busy = portOf(server);
        for (let i = 0; i < 5; i++) {
          const got = await portManager.allocate(store, `run-${i}`, host, ['web'], { web: busy });
          assert.notEqual(got.web, busy);
        }
        assert.ok(!(await store.leasedPorts()).some((l) => l.port === busy));
      } finally {
        await close(server);
      }
    });
  }

  it('takes a free preferred port', async () => {
    const probe = await listen(HOST);
    const free = portOf(probe);
    await close(probe);
    assert.deepEqual(await portManager.allocate(store, 'r1', HOST, ['web'], { web: free }), {
      web: free,
    });
  });

  it('keeps the preferred port when the run already leases it', async () => {
    const first = await portManager.allocate(store, 'r1', HOST, ['web', 'api']);
    // Even while something listens on it (the run's own service, still up), it stays the run's.
    const service = net.createServer();
    await new Promise<void>((resolve) => service.listen(first.web, HOST, resolve));
    try {
      const again = await portManager.allocate(store, 'r1', HOST, ['web', 'api'], first);
      assert.deepEqual(again, first);
      assert.equal((await store.leasedPorts()).length, 2);
    } finally {
      await close(service);
    }
  });

  it('does not hand out a port another run leases, even when preferred', async () => {
    const first = await portManager.allocate(store, 'r1', HOST, ['web']);
    const other = await portManager.allocate(store, 'r2', HOST, ['web'], { web: first.web! });
    assert.notEqual(other.web, first.web);
    // The same run asking for it under another service name does not get it either.
    const sameRun = await portManager.allocate(store, 'r1', HOST, ['api'], { api: first.web! });
    assert.notEqual(sameRun.api, first.web);
  });

  it('release frees every lease of the run, and only that run', async () => {
    const a = await portManager.allocate(store, 'r1', HOST, ['web', 'api']);
    const b = await portManager.allocate(store, 'r2', HOST, ['web']);
    await portManager.release(store, 'r1');
    assert.deepEqual(await store.leasedPorts(), [{ port: b.web!, runId: 'r2', service: 'web' }]);
    // The freed ports can be leased again. (Not through allocate's `preferred` within this
    // process: get-port keeps ports it handed out locked in-process for 15-30 s.)
    assert.equal(await store.leasePort(a.web!, 'r3', 'web'), true);
    assert.equal(await store.leasePort(a.api!, 'r3', 'api'), true);
  });
});
