import type { EnvFacts } from '../model/env-facts.js';
import type { ProcessResult } from '../model/process-result.js';
import type { ProbeRunner } from './detect-toolchains.js';

/** One GPU as reported by nvidia-smi (see `GpuSchema`). */
export type Gpu = EnvFacts['gpus'][number];

/** Result of {@link detectGpus}. */
export interface GpuFacts {
  gpus: Gpu[];
  /** Highest CUDA version the driver supports, from the nvidia-smi header, e.g. `12.2`. */
  cudaVersion: string | null;
  /** Why GPUs or the CUDA version could not be read; empty when nothing went wrong. */
  warnings: string[];
}

/** Timeout of each nvidia-smi call, in milliseconds. */
export const NVIDIA_SMI_TIMEOUT_MS = 5000;

/** Query arguments; `nounits` makes memory.total a bare MiB number (nvidia-smi --help-query-gpu). */
export const NVIDIA_SMI_QUERY_ARGS = [
  '--query-gpu=name,memory.total,driver_version',
  '--format=csv,noheader,nounits',
];

const orNull = (field: string | undefined): string | null => {
  const value = field?.trim();
  return value && !/^\[.*\]$/.test(value) ? value : null; // `[N/A]`, `[Not Supported]`
};

/**
 * Parses `--query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits`
 * output, one GPU a line, e.g. `NVIDIA A100-SXM4-40GB, 40960, 535.104.05`. Fields are
 * taken from the right so a name holding a comma survives.
 */
export function parseGpuCsv(text: string): Gpu[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const fields = line.split(',');
      const driverVersion = orNull(fields.pop());
      const memory = orNull(fields.pop());
      const memoryMiB = memory !== null && /^\d+(\.\d+)?$/.test(memory) ? Number(memory) : null;
      return { name: fields.join(',').trim(), memoryMiB, driverVersion };
    })
    .filter((gpu) => gpu.name !== '');
}

/** The `CUDA Version: 12.2` of plain nvidia-smi output, or null. */
export function parseCudaVersion(text: string): string | null {
  return /CUDA Version:\s*(\d+(?:\.\d+)*)/.exec(text)?.[1] ?? null;
}

function describeFailure(result: ProcessResult, timeoutMs: number): string {
  if (result.timedOut) return `timed out after ${timeoutMs} ms`;
  if (result.aborted) return 'aborted';
  if (result.spawnError !== null) return `could not start: ${result.spawnError}`;
  const detail = (result.stderr.trim() || result.stdout.trim()).split('\n')[0] ?? '';
  const how = result.exitCode !== null ? `exit ${result.exitCode}` : `signal ${result.signal}`;
  return detail ? `${how}: ${detail}` : how;
}

/** Options of {@link detectGpus}. */
export interface DetectGpusOptions {
  /** nvidia-smi found on PATH (see `findExecutable`); null means no NVIDIA tooling, no GPUs. */
  nvidiaSmiPath: string | null;
  /** Per call; default {@link NVIDIA_SMI_TIMEOUT_MS}. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Lists NVIDIA GPUs and the CUDA version, only when nvidia-smi is on PATH: runs the CSV
 * query and plain `nvidia-smi` (for its header) in parallel. Never throws: a failed query
 * gives no GPUs plus a warning; a failed header gives cudaVersion null plus a warning.
 *
 * @example
 * const { gpus, cudaVersion } = await detectGpus(runProbe, { nvidiaSmiPath: '/usr/bin/nvidia-smi' });
 * // gpus [{ name: 'Tesla T4', memoryMiB: 15360, driverVersion: '535.104.05' }], cudaVersion '12.2'
 */
export async function detectGpus(run: ProbeRunner, options: DetectGpusOptions): Promise<GpuFacts> {
  const { nvidiaSmiPath, signal } = options;
  if (nvidiaSmiPath === null) return { gpus: [], cudaVersion: null, warnings: [] };
  const timeoutMs = options.timeoutMs ?? NVIDIA_SMI_TIMEOUT_MS;
  const [query, header] = await Promise.all([
    run([nvidiaSmiPath, ...NVIDIA_SMI_QUERY_ARGS], { timeoutMs, signal }),
    run([nvidiaSmiPath], { timeoutMs, signal }),
  ]);
  const warnings: string[] = [];
  let gpus: Gpu[] = [];
  if (query.failed) {
    warnings.push(
      `nvidia-smi GPU query failed (${describeFailure(query, timeoutMs)}); no GPUs listed`,
    );
  } else {
    gpus = parseGpuCsv(query.stdout);
    if (gpus.length === 0) warnings.push('nvidia-smi GPU query listed no GPUs');
  }
  let cudaVersion: string | null = null;
  if (header.failed) {
    warnings.push(
      `nvidia-smi failed (${describeFailure(header, timeoutMs)}); CUDA version unknown`,
    );
  } else {
    cudaVersion = parseCudaVersion(header.stdout);
    if (cudaVersion === null && gpus.length > 0)
      warnings.push('nvidia-smi header shows no CUDA Version');
  }
  return { gpus, cudaVersion, warnings };
}
