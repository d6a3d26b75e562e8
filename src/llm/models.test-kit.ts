import path from 'node:path';
import { z } from 'zod';
import type { ModelConfig, ModelSpec, ProviderConfig } from './config.js';
import type { ToolSpecs } from './tool-calls.js';

/** True when `p` (relative to `root`, or absolute) names something inside `root`. */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, path.resolve(root, p));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * A sample tool set for tests (the real fix actions live in `fixer/`): `write_file`'s
 * schema refuses paths outside `root`, as a real file-writing tool must.
 */
export function sampleTools(root: string) {
  return {
    set_env_var: {
      description: 'Set a variable in the repository .env file',
      inputSchema: z
        .object({ name: z.string().regex(/^[A-Z_][A-Z0-9_]*$/), value: z.string().max(4096) })
        .strict(),
    },
    add_package: {
      description: 'Add a dependency to the repository manifest',
      inputSchema: z
        .object({
          ecosystem: z.enum(['pip', 'npm']),
          name: z.string().min(1),
          version: z.string().optional(),
        })
        .strict(),
    },
    write_file: {
      description: 'Write a text file inside the repository',
      inputSchema: z
        .object({
          path: z.string().refine((p) => isInside(root, p), 'path must stay inside the repository'),
          content: z.string(),
        })
        .strict(),
    },
  } satisfies ToolSpecs;
}

/** A model entry with a 32k context, free unless prices are given. */
export const model = (id: string, over: Partial<ModelSpec> = {}): ModelSpec => ({
  id,
  tier: 'balanced',
  contextTokens: 32_768,
  costPer1kInput: 0,
  costPer1kOutput: 0,
  ...over,
});

/** An openai-compatible provider (anthropic with `kind`). */
export const provider = (
  name: string,
  baseURL: string | undefined,
  models: ModelSpec[],
  over: Partial<ProviderConfig> = {},
): ProviderConfig => ({
  name,
  kind: 'openai-compatible',
  baseURL,
  apiKey: 'test-key',
  models,
  ...over,
});

/** A configuration with defaults for everything but the providers. */
export const modelConfig = (
  providers: ProviderConfig[],
  over: Partial<ModelConfig> = {},
): ModelConfig => ({
  providers,
  modelTier: 'balanced',
  costPolicy: 'balanced',
  maxCostPerRunUsd: null,
  agentLimits: {},
  sources: ['test'],
  ...over,
});

/** One provider per base URL (`p0`, `p1`, ...), one model each (`m0`, `m1`, ...), $0.5/$1.5 per 1k. */
export const chainConfig = (urls: string[], over: Partial<ModelConfig> = {}): ModelConfig =>
  modelConfig(
    urls.map((u, i) =>
      provider(`p${i}`, u, [model(`m${i}`, { costPer1kInput: 0.5, costPer1kOutput: 1.5 })]),
    ),
    over,
  );
