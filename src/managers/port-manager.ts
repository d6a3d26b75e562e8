import getPort from 'get-port';
import { RepoRunnerError } from '../model/errors.js';
import type { Store } from '../model/store.js';

/** How many candidate ports to try before giving up. */
const MAX_TRIES = 50;

/**
 * PortManager: hands out free TCP ports. A port is free when the OS lets us bind it on the
 * run's host AND no other run holds a lease on it in the store; the lease is taken with an
 * atomic insert, so two runs (even in two processes) never get the same port.
 */
export const portManager = {
  name: 'PortManager',

  /**
   * Leases one port per service name.
   *
   * @param preferred a port per service to try first (e.g. the one a resumed run had).
   * @returns port by service name.
   * @throws RepoRunnerError START_FAILED when no free port can be found.
   */
  async allocate(
    store: Store,
    runId: string,
    host: string,
    services: string[],
    preferred: Record<string, number> = {},
  ): Promise<Record<string, number>> {
    const ports: Record<string, number> = {};
    for (const service of services) {
      const want = preferred[service];
      if (want !== undefined) {
        const owned = (await store.leasedPorts()).find((l) => l.port === want);
        if (owned?.runId === runId && owned.service === service) {
          ports[service] = want;
          continue;
        }
      }
      ports[service] = await leaseOne(store, runId, host, service, want);
    }
    return ports;
  },

  /** Releases every port of a run. */
  async release(store: Store, runId: string): Promise<void> {
    await store.releasePorts(runId);
  },
};

async function leaseOne(
  store: Store,
  runId: string,
  host: string,
  service: string,
  want?: number,
): Promise<number> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const leased = new Set((await store.leasedPorts()).map((l) => l.port));
    const port = await getPort({
      host,
      exclude: [...leased],
      ...(want !== undefined && i === 0 ? { port: want } : {}),
    });
    if (await store.leasePort(port, runId, service)) return port;
  }
  throw new RepoRunnerError(
    'START_FAILED',
    `no free port found for service ${service} after ${MAX_TRIES} tries`,
    'stop runs you no longer need (`repo-runner status`, `repo-runner stop <id>`)',
  );
}
