import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import net, { type AddressInfo } from 'node:net';

/** Token counts the scripted endpoint reports. */
export interface ScriptedUsage {
  input: number;
  output: number;
}

/**
 * One prepared answer. `delayMs` waits before answering (a slow endpoint); `hang` never
 * answers (until `stop()`); the others answer in the dialect of the path asked (OpenAI
 * chat completions or Anthropic messages).
 */
export type ScriptedReply = { delayMs?: number } & (
  | {
      kind: 'tool-calls';
      /** `arguments` as an object (sent as JSON text) or as raw text (e.g. broken JSON). */
      calls: Array<{ name: string; arguments: unknown }>;
      text?: string;
      usage?: ScriptedUsage;
    }
  | { kind: 'text'; text: string; usage?: ScriptedUsage }
  | { kind: 'http-error'; status: number; body?: string }
  /** A 200 whose body is not what the API returns (non-JSON, or JSON of the wrong shape). */
  | { kind: 'garbage'; body: string; contentType?: string }
  | { kind: 'hang' }
);

/** A request as the server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: any;
}

/** A running scripted server. */
export interface ScriptedModelServer {
  /** `http://127.0.0.1:<port>/v1`: the base URL both dialects use. */
  baseURL: string;
  port: number;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Closes the server and drops open connections (a `hang` ends here). */
  stop(): Promise<void>;
}

const DEFAULT_USAGE: ScriptedUsage = { input: 11, output: 7 };

function openAiBody(reply: ScriptedReply, model: string): unknown {
  if (reply.kind !== 'tool-calls' && reply.kind !== 'text') return {};
  const usage = reply.usage ?? DEFAULT_USAGE;
  const calls = reply.kind === 'tool-calls' ? reply.calls : [];
  return {
    id: 'chatcmpl-scripted',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.text ?? null,
          ...(calls.length > 0 ? { tool_calls: calls.map(openAiCall) } : {}),
        },
        finish_reason: calls.length > 0 ? 'tool_calls' : 'stop',
      },
    ],
    usage: {
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
      total_tokens: usage.input + usage.output,
    },
  };
}

const openAiCall = (c: { name: string; arguments: unknown }, i: number) => ({
  id: `call_${i + 1}`,
  type: 'function',
  function: {
    name: c.name,
    arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
  },
});

function anthropicBody(reply: ScriptedReply, model: string): unknown {
  if (reply.kind !== 'tool-calls' && reply.kind !== 'text') return {};
  const usage = reply.usage ?? DEFAULT_USAGE;
  const calls = reply.kind === 'tool-calls' ? reply.calls : [];
  return {
    id: 'msg_scripted',
    type: 'message',
    role: 'assistant',
    model,
    content: [
      ...(reply.text ? [{ type: 'text', text: reply.text }] : []),
      ...calls.map((c, i) => ({
        type: 'tool_use',
        id: `toolu_${i + 1}`,
        name: c.name,
        input: c.arguments,
      })),
    ],
    stop_reason: calls.length > 0 ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: usage.input, output_tokens: usage.output },
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parse(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Starts an OpenAI-compatible (and Anthropic-messages) server on 127.0.0.1, port 0, that
 * answers `POST /v1/chat/completions` and `POST /v1/messages` from `script`, one reply per
 * request in order (or from a function of the request). Non-streaming only (`generateText`
 * does not stream); `stream: true`, other paths and an exhausted script get an HTTP error.
 *
 * @example
 * const server = await startScriptedModelServer([{ kind: 'text', text: 'hi' }]);
 * try { ... server.requests[0].body.model ... } finally { await server.stop(); }
 */
export async function startScriptedModelServer(
  script: ScriptedReply[] | ((req: RecordedRequest, index: number) => ScriptedReply),
): Promise<ScriptedModelServer> {
  const requests: RecordedRequest[] = [];
  const closing = new AbortController();
  const server = http.createServer(async (req, res) => {
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: parse(await readBody(req)),
    };
    const index = requests.push(recorded) - 1;
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type }).end(body);
    };
    const dialect =
      recorded.path === '/v1/chat/completions'
        ? 'openai'
        : recorded.path === '/v1/messages'
          ? 'anthropic'
          : null;
    if (req.method !== 'POST' || dialect === null) return send(404, '{"error":"not found"}');
    if (recorded.body?.stream === true) return send(400, '{"error":"streaming is not scripted"}');
    const reply = typeof script === 'function' ? script(recorded, index) : script[index];
    if (reply === undefined) return send(500, '{"error":"script exhausted"}');
    if (reply.kind === 'hang') return; // stop() closes the connection
    if (reply.delayMs)
      await sleep(reply.delayMs, undefined, { signal: closing.signal }).catch(() => {});
    if (res.destroyed) return;
    if (reply.kind === 'http-error')
      return send(reply.status, reply.body ?? '{"error":"scripted"}');
    if (reply.kind === 'garbage') return send(200, reply.body, reply.contentType);
    const model = String(recorded.body?.model ?? '');
    const body = dialect === 'openai' ? openAiBody(reply, model) : anthropicBody(reply, model);
    send(200, JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed): a down endpoint. */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}
