import net from 'node:net';
import type { ProbeResult } from './http-check.js';

/**
 * How long a new connection must go without being reset to count: 150 ms. A port published
 * into a run's network accepts at once on the host, then resets the connection when nothing
 * listens inside (see `exec/port-publisher.ts`); a real server keeps it open, sends a
 * greeting, or closes it cleanly, which all count.
 */
export const TCP_SETTLE_MS = 150;

/**
 * One TCP connect to host:port, for services that do not speak HTTP: ready when the
 * connection is made and not reset within {@link TCP_SETTLE_MS}. Times in ms.
 */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let settled: NodeJS.Timeout | undefined;
    let answered = false;
    const done = (r: ProbeResult) => {
      if (answered) return;
      answered = true;
      clearTimeout(settled);
      socket.destroy();
      resolve(r);
    };
    const ok = () => done({ ok: true, status: null, detail: 'connected' });
    socket.setTimeout(timeoutMs, () => done({ ok: false, status: null, detail: 'timeout' }));
    socket.once('connect', () => (settled = setTimeout(ok, TCP_SETTLE_MS)));
    socket.once('data', ok);
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, status: null, detail: err.code ?? err.message }),
    );
    // A clean close (FIN) after the connect: a server did accept it.
    socket.once('close', (hadError) => (hadError ? undefined : ok()));
  });
}
