/**
 * The relay that runs INSIDE a run's network namespace (started by `run-network.ts` as
 * `ip netns exec <ns> node ns-relay.js <socket>`): a host process cannot connect to an
 * address in another namespace, but a unix socket file crosses namespaces. Each connection
 * to the socket starts with a 2-byte big-endian port; the relay connects to
 * 127.0.0.1:<port> (or [::1]:<port>) inside the namespace, answers one status byte (1: connected, 0: nothing
 * listens there, and it closes) and pipes both ways.
 *
 * It prints `ready` once listening, drops to `nobody` (it needs no privilege to dial the
 * run's loopback), and exits when its stdin closes, so it never outlives the process that
 * published the run's ports.
 */
import { chmodSync, rmSync } from 'node:fs';
import net from 'node:net';

const socketPath = process.argv[2];
if (!socketPath) {
  process.stderr.write('usage: ns-relay <socket path>\n');
  process.exit(2);
}

/**
 * Pipes `up` (from the host) to <port> inside once its 2-byte header arrived: 127.0.0.1
 * first, then ::1 (an app bound to `localhost` may listen on IPv6 only).
 */
function relay(up: net.Socket): void {
  let head = Buffer.alloc(0);
  up.on('error', () => up.destroy());
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    if (head.length < 2) return;
    up.off('data', onData);
    up.pause();
    const port = head.readUInt16BE(0);
    const rest = head.subarray(2);
    const dial = (hosts: string[]) => {
      const down = net.connect({ host: hosts[0], port });
      down.setNoDelay(true);
      let connected = false;
      down.on('error', () => {
        if (connected) up.destroy();
        else if (hosts.length > 1) dial(hosts.slice(1));
        else up.end(Buffer.from([0]));
      });
      up.on('close', () => down.destroy());
      down.on('close', () => connected && up.destroy());
      down.once('connect', () => {
        connected = true;
        if (rest.length > 0) down.write(rest);
        up.write(Buffer.from([1]));
        up.pipe(down);
        down.pipe(up);
      });
    };
    dial(['127.0.0.1', '::1']);
  };
  up.on('data', onData);
}

rmSync(socketPath, { force: true });
const server = net.createServer(relay);
server.listen(socketPath, () => {
  // Only the host side (root) may connect: another run's process must not reach this loopback.
  chmodSync(socketPath, 0o600);
  if (process.getuid?.() === 0 && process.setuid && process.setgid) {
    process.setgroups?.([]);
    process.setgid(65534);
    process.setuid(65534);
  }
  process.stdout.write('ready\n');
});
server.on('error', (err) => {
  process.stderr.write(`ns-relay: ${err.message}\n`);
  process.exit(1);
});
process.stdin.on('data', () => undefined);
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
