import net from 'node:net';
import type { ProbeResult } from './http-check.js';

/** One TCP connect to host:port, for services that do not speak HTTP. Times in ms. */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (r: ProbeResult) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, status: null, detail: 'timeout' }));
    socket.once('connect', () => done({ ok: true, status: null, detail: 'connected' }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, status: null, detail: err.code ?? err.message }),
    );
  });
}
