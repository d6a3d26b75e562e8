import type { VersionCache } from './version-cache.js';
import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Toolchain } from '../model/env-facts.js';
import type { ProcessResult } from '../model/process-result.js';
import { runCommand } from '../exec/run-command.js';

/** Programs looked for on PATH by default, in the order they are reported. */
// prettier-ignore
export const DEFAULT_TOOLCHAIN_NAMES: readonly string[] = [
  'python3', 'python', 'python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13', 'python3.14',
  'pip3', 'pip', 'uv', 'poetry', 'pipenv',
  'node', 'npm', 'npx', 'pnpm', 'yarn', 'corepack',
  'go', 'cargo', 'rustc', 'java', 'mvn', 'gradle', 'php', 'composer',
  'git', 'gcc', 'make', 'docker', 'nvidia-smi',
];

/** Per-tool timeout of the version call, in milliseconds. */
export const DEFAULT_VERSION_TIMEOUT_MS = 5000;

/**
 * Runs a short probe command (a version or nvidia-smi query) and returns its
 * {@link ProcessResult}; never throws. Injectable so tests can feed sample output.
 */
export type ProbeRunner = (
  argv: string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv; signal?: AbortSignal },
) => Promise<ProcessResult>;

/**
 * The real {@link ProbeRunner}: {@link runCommand} in the temp dir (so no repo's
 * `package.json` or `.python-version` steers a shim) with process.env plus `options.env`.
 * Corepack shims (yarn, pnpm) may not download a package manager just to print a version,
 * hence `COREPACK_ENABLE_NETWORK=0` (see the corepack README, "Environment Variables").
 */
export const runProbe: ProbeRunner = (argv, options) =>
  runCommand(argv, {
    cwd: os.tmpdir(),
    env: {
      ...process.env,
      ...options.env,
      COREPACK_ENABLE_NETWORK: '0',
      COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
    },
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });

/**
 * Absolute path of the first regular file named `name` with the execute bit (fs.access
 * X_OK) in the absolute directories of `pathEnv` (a PATH string), or null. Empty and
 * relative PATH entries are skipped: they would resolve against whatever the cwd is.
 */
export async function findExecutable(name: string, pathEnv: string): Promise<string | null> {
  for (const dir of pathEnv.split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    try {
      if (!(await stat(candidate)).isFile()) continue;
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* missing or not executable: keep looking */
    }
  }
  return null;
}

/** Arguments that make `name` print its version (java and go break the `--version` habit). */
export function versionArgs(name: string): string[] {
  if (name === 'java') return ['-version'];
  if (name === 'go') return ['version'];
  return ['--version'];
}

/**
 * First version-looking token (`\d+\.\d+(\.\d+)?`) of `text`, ANSI colour codes removed,
 * or null. `go version go1.22.1 linux/amd64` gives `1.22.1`, `v20.11.0` gives `20.11.0`.
 */
export function parseVersion(text: string): string | null {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  return /\d+\.\d+(\.\d+)?/.exec(plain)?.[0] ?? null;
}

/** Options of {@link detectToolchains}. */
export interface DetectToolchainsOptions {
  /** Remembers versions between runs (see {@link VersionCache}); none by default. */
  cache?: VersionCache;
  /** PATH string searched (and given to the version calls). */
  pathEnv: string;
  /** Programs to look for; default {@link DEFAULT_TOOLCHAIN_NAMES}. */
  names?: readonly string[];
  /** Timeout of each version call in ms; default {@link DEFAULT_VERSION_TIMEOUT_MS}. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Probe runner; default {@link runProbe}. */
  run?: ProbeRunner;
}

/**
 * Finds each named program on `pathEnv` and runs its version call, all in parallel. A
 * program found whose version call fails or times out is still listed, with version
 * null; programs not found are left out. Result order follows `names`.
 *
 * @example
 * const tools = await detectToolchains({ pathEnv: process.env.PATH ?? '' });
 * // [{ name: 'node', path: '/usr/bin/node', version: '20.11.0' }, ...]
 */
export async function detectToolchains(options: DetectToolchainsOptions): Promise<Toolchain[]> {
  const { pathEnv, signal } = options;
  const names = options.names ?? DEFAULT_TOOLCHAIN_NAMES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_VERSION_TIMEOUT_MS;
  const run = options.run ?? runProbe;
  const found = await Promise.all(
    names.map(async (name): Promise<Toolchain | null> => {
      const file = await findExecutable(name, pathEnv);
      if (file === null) return null;
      const cached = options.cache?.get(file);
      if (cached !== undefined && cached !== null) return { name, path: file, version: cached };
      if (cached === null) {
        const target = await pyenvInterpreter(name, file);
        const known = target ? options.cache?.get(target) : undefined;
        if (target && known) return { name, path: target, version: known };
        if (!target) return { name, path: file, version: null };
      }
      const result = await run([file, ...versionArgs(name)], {
        timeoutMs,
        env: { PATH: pathEnv },
        signal,
      });
      // java -version prints to stderr, hence both streams.
      const version = result.failed
        ? null
        : (parseVersion(result.stdout) ?? parseVersion(result.stderr));
      if (!result.timedOut && !result.aborted) options.cache?.set(file, version);
      if (version === null) {
        // A pyenv shim of a version that is installed but not selected answers "command not
        // found": the interpreter itself, under pyenv's versions/, is usable.
        const target = await pyenvInterpreter(name, file);
        if (target) {
          const real = await run([target, '--version'], {
            timeoutMs,
            env: { PATH: pathEnv },
            signal,
          });
          const v = real.failed ? null : (parseVersion(real.stdout) ?? parseVersion(real.stderr));
          if (!real.timedOut && !real.aborted) options.cache?.set(target, v);
          if (v) return { name, path: target, version: v };
        }
      }
      return { name, path: file, version };
    }),
  );
  options.cache?.save();
  return found.filter((tool): tool is Toolchain => tool !== null);
}

/**
 * For a pyenv shim of a versioned Python (`<root>/shims/python3.12`), the newest installed
 * interpreter of that minor version (`<root>/versions/3.12.1/bin/python3.12`), or null.
 * Source: https://github.com/pyenv/pyenv#understanding-shims
 */
export async function pyenvInterpreter(name: string, shim: string): Promise<string | null> {
  const minor = /^python(\d+\.\d+)$/.exec(name)?.[1];
  if (!minor || path.basename(path.dirname(shim)) !== 'shims') return null;
  const versions = path.join(path.dirname(path.dirname(shim)), 'versions');
  let entries: string[];
  try {
    entries = await readdir(versions);
  } catch {
    return null;
  }
  const patch = (v: string) => Number(v.slice(minor.length + 1)) || 0;
  const matching = entries
    .filter((v) => v === minor || new RegExp(`^${minor.replace('.', '\\.')}\\.\\d+$`).test(v))
    .sort((a, b) => patch(b) - patch(a));
  for (const v of matching) {
    const candidate = path.join(versions, v, 'bin', name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not this one */
    }
  }
  return null;
}
