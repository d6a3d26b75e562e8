import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { EnvFactsSchema, type EnvFacts } from '../model/env-facts.js';
import { detectEnvironmentKind, type EnvironmentSignals } from './detect-environment-kind.js';
import { detectGpus } from './detect-gpus.js';
import { detectToolchains, findExecutable, runProbe } from './detect-toolchains.js';
import { readOsFacts } from './os-facts.js';
import { VersionCache } from './version-cache.js';

/** Options of {@link detectEnv}. */
export interface DetectEnvOptions {
  /** Environment read for signals and PATH; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Filesystem root under which /proc, /sys and /etc are read; default `/` (tests: a fake tree). */
  root?: string;
  signal?: AbortSignal;
  /** File caching toolchain versions between runs (keyed by executable size and mtime). */
  versionCacheFile?: string;
}

/** Result of {@link detectEnv}: validated facts plus what could not be found out. */
export interface DetectEnvResult {
  facts: EnvFacts;
  warnings: string[];
}

/**
 * File readers resolving absolute host paths (`/proc/1/cgroup`) under `root`. `readFile`
 * gives UTF-8 text or null when missing/unreadable; `exists` never throws.
 */
export function readersUnderRoot(root: string): Omit<EnvironmentSignals, 'env'> {
  const under = (file: string) => path.join(root, file);
  return {
    readFile: (file) => readFile(under(file), 'utf8').catch(() => null),
    exists: (file) =>
      access(under(file), constants.F_OK).then(
        () => true,
        () => false,
      ),
  };
}

/**
 * Host facts for the env phase: environment kind with evidence, OS, CPUs, memory, GPUs
 * and toolchains on PATH, all gathered in parallel and validated with `EnvFactsSchema`.
 * Passive and offline: it reads files and runs local version probes, never the network.
 * Throws the abort reason when `signal` aborts.
 *
 * @example
 * const { facts, warnings } = await detectEnv();
 * facts.toolchains.find((t) => t.name === 'node')?.version; // '20.11.0'
 */
export async function detectEnv(options: DetectEnvOptions = {}): Promise<DetectEnvResult> {
  const env = options.env ?? process.env;
  const { signal } = options;
  const readers = readersUnderRoot(options.root ?? '/');
  const pathEnv = env.PATH ?? '';
  const [environment, osFacts, toolchains, gpuFacts] = await Promise.all([
    detectEnvironmentKind({ env, ...readers }),
    readOsFacts(readers.readFile),
    detectToolchains({
      pathEnv,
      signal,
      ...(options.versionCacheFile ? { cache: new VersionCache(options.versionCacheFile) } : {}),
    }),
    findExecutable('nvidia-smi', pathEnv).then((nvidiaSmiPath) =>
      detectGpus(runProbe, { nvidiaSmiPath, signal }),
    ),
  ]);
  signal?.throwIfAborted();
  const facts = EnvFactsSchema.parse({
    environment: environment.kind,
    environmentEvidence: environment.evidence,
    ...osFacts,
    gpus: gpuFacts.gpus,
    cudaVersion: gpuFacts.cudaVersion,
    toolchains,
  });
  return { facts, warnings: gpuFacts.warnings };
}
