import { z } from 'zod';

/** Where Repo Runner itself is running, from passive signals only (no network probes). */
export const EnvironmentKindSchema = z.enum([
  'local',
  'docker',
  'kubernetes',
  'colab',
  'aws',
  'gcp',
  'azure',
]);
export type EnvironmentKind = z.infer<typeof EnvironmentKindSchema>;

/** A program found on PATH. */
export const ToolchainSchema = z.object({
  /** Command name, e.g. `python3`, `node`, `npm`. */
  name: z.string(),
  /** Absolute path of the executable. */
  path: z.string(),
  /** Version parsed from `--version` output (e.g. `3.11.7`), or null when it did not say. */
  version: z.string().nullable(),
});
export type Toolchain = z.infer<typeof ToolchainSchema>;

/** One GPU as reported by nvidia-smi. */
export const GpuSchema = z.object({
  name: z.string(),
  /** Total memory in MiB. */
  memoryMiB: z.number().nullable(),
  driverVersion: z.string().nullable(),
});

/** Host facts produced by the env phase (EnvDetectorAgent). */
export const EnvFactsSchema = z.object({
  environment: EnvironmentKindSchema,
  /** The signals that decided `environment`, e.g. `env KUBERNETES_SERVICE_HOST`, `/.dockerenv`. */
  environmentEvidence: z.array(z.string()),
  os: z.object({
    platform: z.string(),
    release: z.string(),
    arch: z.string(),
    distro: z.string().nullable(),
  }),
  cpus: z.number().int(),
  /** Total memory in bytes. */
  memoryBytes: z.number(),
  gpus: z.array(GpuSchema),
  /** CUDA version from nvidia-smi, when any. */
  cudaVersion: z.string().nullable(),
  toolchains: z.array(ToolchainSchema),
});
export type EnvFacts = z.infer<typeof EnvFactsSchema>;
