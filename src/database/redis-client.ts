import net from 'node:net';

/** A decoded RESP2 reply; error replies reject instead. */
export type RedisReply = string | number | null | RedisReply[];

type Parsed = { value: RedisReply | Error; end: number } | null;

/** Parses one RESP2 reply at `at`; null while the buffer holds only part of it. */
function parseReply(buf: Buffer, at: number): Parsed {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return null;
  const head = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buf[at] ?? 0)) {
    case '+':
      return { value: head, end: next };
    case '-':
      return { value: new Error(head), end: next };
    case ':':
      return { value: Number(head), end: next };
    case '$': {
      const len = Number(head);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString('utf8', next, next + len), end: next + len + 2 };
    }
    case '*': {
      const count = Number(head);
      if (count < 0) return { value: null, end: next };
      const items: RedisReply[] = [];
      let end = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, end);
        if (!item) return null;
        if (item.value instanceof Error) return item;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      return { value: new Error(`unexpected reply ${JSON.stringify(head)}`), end: buf.length };
  }
}

/**
 * Sends one command to a Redis server over a fresh TCP connection and resolves its reply
 * (`PING` → `'PONG'`). No client library: this is what readiness checks and tests need.
 *
 * @throws Error on a connection failure, a timeout, or an error reply (e.g. `LOADING`).
 * @example
 * await redisCommand('127.0.0.1', 6390, ['SET', 'k', 'v']); // 'OK'
 */
export function redisCommand(
  host: string,
  port: number,
  args: string[],
  timeoutMs = 2000,
): Promise<RedisReply> {
  const payload =
    `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const socket = net.connect({ host, port });
    const finish = (value: RedisReply | Error) => {
      socket.destroy();
      if (value instanceof Error) reject(value);
      else resolve(value);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`redis ${host}:${port}: timeout`)));
    socket.once('error', (err) => finish(err));
    socket.once('connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const parsed = parseReply(buf, 0);
      if (parsed) finish(parsed.value);
    });
    socket.once('end', () => finish(new Error(`redis ${host}:${port}: connection closed`)));
  });
}
