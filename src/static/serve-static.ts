import { realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createStaticServer } from './static-server.js';

/** What the command line asked for. `port` 0 means any free port. */
export interface ServeStaticArgs {
  dir: string;
  port: number;
  host: string;
  spa: boolean;
}

/** Usage line printed with argument errors. */
export const USAGE = 'usage: serve-static <dir> [--port N] [--host H] [--spa]';

/**
 * Parses `serve-static <dir> --port N --host H [--spa]`. `--port` and `--host` fall back to
 * the PORT and HOST environment variables (which Repo Runner also sets), then to 8080 and
 * 127.0.0.1. Throws an Error with a readable message on bad input.
 *
 * @example
 * parseServeArgs(['dist', '--port', '5000', '--spa'], {}); // { dir: 'dist', port: 5000, host: '127.0.0.1', spa: true }
 */
export function parseServeArgs(argv: string[], env: NodeJS.ProcessEnv): ServeStaticArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      spa: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new Error('expected exactly one directory');
  const portText = values.port ?? env['PORT'] ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`invalid port: ${portText}`);
  const host = values.host || env['HOST'] || '127.0.0.1';
  return { dir: positionals[0] as string, port, host, spa: values.spa ?? false };
}

/**
 * The CLI: serves the directory until SIGTERM or SIGINT, which close the server (and its idle
 * and open connections) and end the process with code 0. Prints one line with the URL once
 * listening. Resolves with the exit code on errors (2 for bad arguments, 1 otherwise).
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  let args: ServeStaticArgs;
  try {
    args = parseServeArgs(argv, env);
    if (!(await stat(args.dir)).isDirectory()) throw new Error(`${args.dir} is not a directory`);
  } catch (err) {
    console.error(`serve-static: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const server = createStaticServer(args.dir, { spa: args.spa });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return new Promise((resolve) => {
    server.once('error', (err) => {
      console.error(`serve-static: ${err.message}`);
      resolve(1);
    });
    server.listen(args.port, args.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : args.port;
      const shown = args.host.includes(':') ? `[${args.host}]` : args.host;
      const mode = args.spa ? ' (single-page app)' : '';
      console.log(`serving ${path.resolve(args.dir)} on http://${shown}:${port}/${mode}`);
      resolve(null);
    });
  });
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  const code = await main(process.argv.slice(2), process.env);
  if (code !== null) process.exit(code);
}
