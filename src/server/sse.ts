import type { ServerResponse } from 'node:http';

/** One Server-Sent Event. `id` lets a client resume with `Last-Event-ID`. */
export interface SseMessage {
  id?: number;
  event: string;
  data: unknown;
}

/** The wire form of an event: `id:`, `event:`, one `data:` line of JSON, a blank line. */
export function formatSse(msg: SseMessage): string {
  const id = msg.id === undefined ? '' : `id: ${msg.id}\n`;
  return `${id}event: ${msg.event}\ndata: ${JSON.stringify(msg.data)}\n\n`;
}

/** An open event stream: write messages; `closed` once the client left or the server ended it. */
export interface SseStream {
  readonly closed: boolean;
  send(msg: SseMessage): Promise<void>;
  comment(text: string): Promise<void>;
  /** Resolves after `ms`, or at once when the stream closes. */
  sleep(ms: number): Promise<void>;
  end(): void;
}

/**
 * The server's open SSE streams, so shutdown can end them (Fastify's close would otherwise
 * wait for these long responses).
 */
export class SseHub {
  private readonly open = new Set<ServerResponse>();

  /** Takes over a response whose headers were written. */
  attach(raw: ServerResponse): SseStream {
    this.open.add(raw);
    let closed = false;
    let wake = () => {};
    raw.on('close', () => {
      closed = true;
      this.open.delete(raw);
      wake();
    });
    const write = async (text: string) => {
      if (closed) return;
      if (!raw.write(text))
        await new Promise<void>((resolve) => {
          raw.once('drain', resolve);
          raw.once('close', resolve);
        });
    };
    return {
      get closed() {
        return closed;
      },
      send: (msg) => write(formatSse(msg)),
      comment: (text) => write(`: ${text}\n\n`),
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          if (closed) return resolve();
          const timer = setTimeout(resolve, ms);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        }),
      end: () => {
        if (!closed) raw.end();
      },
    };
  }

  /** Ends every open stream (server shutdown). */
  closeAll(): void {
    for (const raw of this.open) raw.end();
  }

  get size(): number {
    return this.open.size;
  }
}
