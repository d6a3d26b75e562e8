import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { createRunContext } from '../core/run-context.js';
import type { RunEvent } from '../model/events.js';
import type { RunNetworkHandle } from '../model/run-context.js';
import type { Store } from '../model/store.js';
import { openSqliteStore } from '../store/sqlite.js';
import { publishService } from './runner-agent.js';

let store: Store;
let holder: net.Server;
let taken: number;
before(async () => {
  store = await openSqliteStore(':memory:');
  await store.createRun({ id: 'r', source: '/tmp', options: {} });
  // Another program holds this host port (it was free when the run leased it).
  holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  taken = (holder.address() as net.AddressInfo).port;
});
after(async () => {
  holder.close();
  await store.close();
});

/** A run network whose host side really listens (as the relay's does), without a namespace. */
function hostSideNetwork(): RunNetworkHandle & { servers: net.Server[] } {
  const published = new Map<number, number>();
  const servers: net.Server[] = [];
  return {
    name: 'rr-test',
    servers,
    async publish(hostPort, nsPort) {
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(hostPort, '127.0.0.1', resolve);
      });
      servers.push(server);
      published.set(hostPort, nsPort);
    },
    async unpublish(hostPort) {
      published.delete(hostPort);
    },
    async repoint(hostPort, nsPort) {
      published.set(hostPort, nsPort);
    },
    published: () => new Map(published),
    setHostNames: () => undefined,
    ready: async () => undefined,
    outbound: async () => undefined,
  };
}

test('a host port taken after its lease: the service is published on a fresh one, forwarding to the same port inside', async () => {
  const network = hostSideNetwork();
  const ctx = createRunContext({
    runId: 'r',
    source: '/tmp',
    home: '/tmp',
    runDir: '/tmp',
    store,
    state: { decided: { host: '127.0.0.1', ports: { web: taken } } },
    env: {},
  });
  ctx.isolation = {
    prefix: [],
    network,
    hostsFile: null,
    resolvConf: null,
    cacheDir: null,
    limits: null,
  };
  const events: RunEvent[] = [];
  ctx.bus.on('event', (e) => events.push(e));
  try {
    const hostPort = await publishService(ctx, 'web', taken);
    assert.notEqual(hostPort, taken);
    assert.equal(network.published().get(hostPort), taken);
    assert.ok(
      (await store.leasedPorts()).some((l) => l.port === hostPort && l.service === 'web'),
      'the fresh host port is leased to the run',
    );
    assert.ok(events.some((e) => e.kind === 'warning' && e.message.includes(`${hostPort}`)));
    // A restart finds what the first start published.
    assert.equal(await publishService(ctx, 'web', taken), hostPort);
    assert.equal(network.servers.length, 1);
  } finally {
    for (const s of network.servers) s.close();
  }
});
