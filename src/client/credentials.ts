import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RepoRunnerError } from '../model/errors.js';

/** What is kept for one server: the token and who it is for. */
export interface Credential {
  token: string;
  username: string;
  expiresAt: string;
}

interface CredentialsFile {
  version: 1;
  servers: Record<string, Credential>;
}

/** `$XDG_CONFIG_HOME/repo-runner/credentials`, else `~/.config/repo-runner/credentials`. */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'repo-runner', 'credentials');
}

/**
 * A server URL in one spelling (`http://host:port` plus any path, no trailing slash), so
 * credentials are found whichever way the URL was typed.
 *
 * @throws RepoRunnerError BAD_INPUT for anything but an http(s) URL.
 */
export function normalizeServerUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new RepoRunnerError(
      'BAD_INPUT',
      `--server ${input} is not a URL`,
      'e.g. --server http://127.0.0.1:7878',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RepoRunnerError(
      'BAD_INPUT',
      `--server must be an http or https URL, got ${url.protocol}`,
      'e.g. --server http://127.0.0.1:7878',
    );
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

function readAll(env: NodeJS.ProcessEnv): CredentialsFile {
  try {
    const parsed = JSON.parse(readFileSync(credentialsPath(env), 'utf8')) as CredentialsFile;
    if (parsed && typeof parsed.servers === 'object')
      return { version: 1, servers: parsed.servers };
  } catch {
    /* missing or unreadable: no credentials */
  }
  return { version: 1, servers: {} };
}

/**
 * Writes the file atomically: a temporary file created with mode 0600 (never wider, even for
 * an instant), then renamed over the old one. The directory is made 0700.
 */
function writeAll(data: CredentialsFile, env: NodeJS.ProcessEnv): void {
  const file = credentialsPath(env);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(data, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** The credential kept for `server`, if any. */
export function loadCredential(
  server: string,
  env: NodeJS.ProcessEnv = process.env,
): Credential | undefined {
  return readAll(env).servers[normalizeServerUrl(server)];
}

/** Keeps `credential` for `server` (replacing an older one). */
export function saveCredential(
  server: string,
  credential: Credential,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const data = readAll(env);
  data.servers[normalizeServerUrl(server)] = credential;
  writeAll(data, env);
}

/** Forgets the credential of `server`. True when there was one. */
export function removeCredential(server: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const data = readAll(env);
  const key = normalizeServerUrl(server);
  if (!(key in data.servers)) return false;
  delete data.servers[key];
  writeAll(data, env);
  return true;
}
