import path from 'node:path';
import pc from 'picocolors';
import { RepoRunnerError } from '../../model/errors.js';
import { repoRunnerHome } from '../../model/paths.js';

/** `serve` flags. */
export interface ServeFlags {
  host: string;
  port: string;
  reposRoot?: string[];
  concurrency?: string;
  log?: boolean;
  /** commander's `--unsafe-no-sandbox`: run every user's code unconfined (tests of trusted code only). */
  unsafeNoSandbox?: boolean;
}

/** The environment variable listing repos roots (`:`-separated, like PATH). */
export const REPOS_ROOTS_VAR = 'REPO_RUNNER_REPOS_ROOTS';

function positiveInt(value: string, flag: string, max: number, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new RepoRunnerError(
      'BAD_INPUT',
      `${flag} must be a whole number from ${min} to ${max}, got "${value}"`,
      `e.g. ${flag} ${Math.min(max, 7878)}`,
    );
  return n;
}

/**
 * `repo-runner serve [--host H] [--port N] [--repos-root DIR]...`: the REST API until
 * SIGINT/SIGTERM. Prints the URL. Returns the exit code.
 */
export async function serveCommand(flags: ServeFlags): Promise<number> {
  const port = positiveInt(flags.port, '--port', 65535, 0);
  const concurrency = flags.concurrency ? positiveInt(flags.concurrency, '--concurrency', 64) : 2;
  const fromEnv = (process.env[REPOS_ROOTS_VAR] ?? '').split(path.delimiter).filter(Boolean);
  const reposRoots = [...(flags.reposRoot ?? []), ...fromEnv];
  const { resolveRoots } = await import('../../server/repo-source.js');
  try {
    resolveRoots(reposRoots); // before the store is opened: a typo should cost nothing
  } catch (err) {
    throw new RepoRunnerError(
      'BAD_INPUT',
      (err as Error).message,
      'pass an existing directory to --repos-root',
    );
  }
  const { startServer } = await import('../../server/serve.js');
  let server;
  try {
    server = await startServer({
      home: repoRunnerHome(),
      host: flags.host,
      port,
      reposRoots,
      concurrency,
      logger: flags.log ?? false,
      sandbox: flags.unsafeNoSandbox ? 'none' : 'bubblewrap',
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL')
      throw new RepoRunnerError(
        'START_FAILED',
        `cannot listen on ${flags.host}:${port}: ${e.code}`,
        'pick another --port (or --host)',
      );
    if (/repos root/.test(e.message ?? ''))
      throw new RepoRunnerError(
        'BAD_INPUT',
        e.message,
        'pass an existing directory to --repos-root',
      );
    throw err;
  }
  process.stdout.write(
    `repo-runner API listening on ${pc.bold(server.url)} (docs ${server.url}/docs)\n`,
  );
  if (reposRoots.length === 0)
    process.stdout.write(pc.dim('no --repos-root: runs take git URLs only\n'));
  if (flags.unsafeNoSandbox)
    process.stdout.write(
      pc.red(
        "--unsafe-no-sandbox: every user's repository runs unconfined, as this server's user\n",
      ),
    );
  if (!['127.0.0.1', '::1', 'localhost'].includes(flags.host))
    process.stdout.write(
      pc.yellow(`listening beyond this machine (${flags.host}): put TLS in front of it\n`),
    );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  process.stdout.write('shutting down: in-flight runs are stopped, healthy runs stay up\n');
  await server.close();
  return 0;
}
