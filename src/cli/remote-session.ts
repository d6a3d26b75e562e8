import { ApiClient } from '../client/api-client.js';
import { loadCredential, normalizeServerUrl } from '../client/credentials.js';
import { RepoRunnerError } from '../model/errors.js';

/** The server a command talks to: `--server`, else `REPO_RUNNER_SERVER`; undefined for local. */
export function serverOf(flags: { server?: string }): string | undefined {
  const given = flags.server ?? process.env.REPO_RUNNER_SERVER;
  return given ? normalizeServerUrl(given) : undefined;
}

/**
 * An API client for `server` with the token kept by `repo-runner login`.
 *
 * @throws RepoRunnerError UNAUTHORIZED when there is no (unexpired) login for that server.
 */
export function connect(server: string): ApiClient {
  const credential = loadCredential(server);
  if (!credential || Date.parse(credential.expiresAt) <= Date.now())
    throw new RepoRunnerError(
      'UNAUTHORIZED',
      credential ? `your login to ${server} has expired` : `not logged in to ${server}`,
      `run \`repo-runner login --server ${server}\``,
    );
  return new ApiClient(server, credential.token);
}
