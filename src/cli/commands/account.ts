import { ApiClient } from '../../client/api-client.js';
import { credentialsPath, removeCredential, saveCredential } from '../../client/credentials.js';
import { RepoRunnerError } from '../../model/errors.js';
import { askLine, readPassword } from '../prompt.js';
import { connect, serverOf } from '../remote-session.js';

/** Flags of `login`, `register`, `logout`, `whoami`. */
export interface AccountFlags {
  server?: string;
  username?: string;
  json?: boolean;
}

function requireServer(flags: AccountFlags): string {
  const server = serverOf(flags);
  if (!server)
    throw new RepoRunnerError(
      'BAD_INPUT',
      'no server given',
      'pass --server http://host:port (or set REPO_RUNNER_SERVER)',
    );
  return server;
}

async function usernameOf(flags: AccountFlags): Promise<string> {
  const name = flags.username ?? (process.stdin.isTTY ? await askLine('username: ') : '');
  if (!name) throw new RepoRunnerError('BAD_INPUT', 'no username given', 'pass --username <name>');
  return name;
}

/**
 * `repo-runner login|register --server URL [--username U]`: gets a session token (password
 * from a prompt without echo, `REPO_RUNNER_PASSWORD`, or stdin) and keeps it in the
 * credentials file (mode 0600), keyed by server URL.
 */
export async function loginCommand(
  flags: AccountFlags,
  mode: 'login' | 'register',
): Promise<number> {
  const server = requireServer(flags);
  const username = await usernameOf(flags);
  const password = await readPassword();
  const api = new ApiClient(server);
  const issued =
    mode === 'login' ? await api.login(username, password) : await api.register(username, password);
  saveCredential(server, {
    token: issued.token,
    username: issued.user.username,
    expiresAt: issued.expiresAt,
  });
  process.stdout.write(
    flags.json
      ? `${JSON.stringify({ server, user: issued.user, expiresAt: issued.expiresAt })}\n`
      : `${mode === 'login' ? 'logged in' : 'registered and logged in'} to ${server} as ${issued.user.username} (tier ${issued.user.tier}); token kept in ${credentialsPath()}\n`,
  );
  return 0;
}

/** `repo-runner logout --server URL`: revokes the token on the server and forgets it here. */
export async function logoutCommand(flags: AccountFlags): Promise<number> {
  const server = requireServer(flags);
  try {
    await connect(server).logout();
  } catch (err) {
    // Forgotten here either way; say so when the server could not revoke it.
    if (!(err instanceof RepoRunnerError) || !['UNAUTHORIZED', 'FORBIDDEN'].includes(err.code))
      process.stderr.write(
        `warning: the server did not revoke the token: ${(err as Error).message}\n`,
      );
  }
  const had = removeCredential(server);
  process.stdout.write(had ? `logged out of ${server}\n` : `was not logged in to ${server}\n`);
  return 0;
}

/** `repo-runner whoami --server URL`: the user, tier and usage the server knows. */
export async function whoamiCommand(flags: AccountFlags): Promise<number> {
  const server = requireServer(flags);
  const me = await connect(server).me();
  process.stdout.write(
    flags.json
      ? `${JSON.stringify(me, null, 2)}\n`
      : `${me.user.username} on ${server}: tier ${me.user.tier} (${me.tier.requestsPerHour} requests/hour, ${me.tier.maxRepos} repos); used ${me.usage.requests} requests, ${me.usage.runs} runs, ${me.usage.repos} repos\n`,
  );
  return 0;
}
