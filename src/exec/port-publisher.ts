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
 * inside the run's namespace: the relay reads a 2-byte big-endian port first and answers a
 * status byte (see `ns-relay.ts`). A connection the relay cannot complete (nothing listens
 * inside) is reset (RST), the nearest a host listener can come to a refused port.
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
    client.pause();
    client.on('error', () => up.destroy());
    up.on('error', () => client.resetAndDestroy());
    up.write(header);
    // The relay's status byte first: 1 connected (then pipe), else reset the client.
    let status: number | null = null;
    up.on('close', () => (status === 1 ? client.destroy() : client.resetAndDestroy()));
    const onStatus = (chunk: Buffer) => {
      up.off('data', onStatus);
      status = chunk[0] ?? 0;
      if (status !== 1) return void up.destroy();
      up.pause();
      if (chunk.length > 1) client.write(chunk.subarray(1));
      client.pipe(up);
      up.pipe(client);
    };
    up.on('data', onStatus);
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
