import net from 'node:net';

/** One published port: the host listener and the connections it is piping. */
export interface PublishedPort {
  readonly hostPort: number;
  readonly nsPort: number;
  /** Stops listening and cuts every connection still open through it. */
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:`hostPort` (only the host's loopback, like `docker run -p
 * 127.0.0.1:…`) and pipes each connection through the run's relay socket to 127.0.0.1:`nsPort`
 * inside the run's namespace: the relay reads a 2-byte big-endian port first (see
 * `ns-relay.ts`). A connection the relay cannot complete is reset, as a refused port would be.
 *
 * @throws the listen error (EADDRINUSE when the host port is taken).
 */
export async function publishPort(
  relaySocket: string,
  hostPort: number,
  nsPort: number,
): Promise<PublishedPort> {
  const open = new Set<net.Socket>();
  const header = Buffer.alloc(2);
  header.writeUInt16BE(nsPort);
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const up = net.connect(relaySocket);
    open.add(client);
    client.on('close', () => {
      open.delete(client);
      up.destroy();
    });
    up.on('close', () => client.destroy());
    client.on('error', () => up.destroy());
    up.on('error', () => client.resetAndDestroy());
    up.write(header);
    client.pipe(up);
    up.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: hostPort, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    hostPort,
    nsPort,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
