import { z } from 'zod';
import { RepoRunnerError } from '../model/errors.js';
import {
  COST_POLICIES,
  MODEL_TIERS,
  type CostPolicy,
  type ModelTier,
  type ProviderKind,
} from '../model/llm-types.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');

/** One model of a provider in `models.json`. Prices in USD per 1000 tokens. */
export const ModelSpecSchema = z
  .object({
    id: z.string().min(1),
    tier: z.enum(MODEL_TIERS).default('balanced'),
    contextTokens: z.number().int().positive(),
    costPer1kInput: z.number().nonnegative().default(0),
    costPer1kOutput: z.number().nonnegative().default(0),
  })
  .strict();
/** A model as loaded: tier and prices filled in. */
export type ModelSpec = z.infer<typeof ModelSpecSchema>;

/** One provider in `models.json`: an endpoint, how to authenticate, and its models. */
export const ProviderFileSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected letters, digits, ".", "_" or "-"'),
    kind: z.enum(['openai-compatible', 'anthropic']),
    /** Required for `openai-compatible`; for `anthropic` the SDK's default is used when absent. */
    baseURL: httpUrl.optional(),
    /** Name of the environment variable holding the API key (never the key itself). */
    apiKeyEnv: envName.optional(),
    models: z.array(ModelSpecSchema).min(1),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.kind === 'openai-compatible' && p.baseURL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['baseURL'],
        message: 'required for kind "openai-compatible" (the endpoint\'s /v1 URL)',
      });
    }
  });

/** Per-agent overrides of the call limits (see `CallLimits`). */
export const AgentLimitsSchema = z
  .object({
    maxTokens: z.number().int().positive().optional(),
    timeoutMs: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(2).optional(),
  })
  .strict();
/** Partial limits for one agent; unset fields keep the task kind's defaults. */
export type AgentLimits = z.infer<typeof AgentLimitsSchema>;

/**
 * The whole `models.json` file. Unknown fields are errors, so a typo never silently
 * changes which model runs or what it costs.
 */
export const ModelFileSchema = z
  .object({
    providers: z.array(ProviderFileSchema).default([]),
    model_tier: z.enum(MODEL_TIERS).optional(),
    cost_policy: z.enum(COST_POLICIES).optional(),
    /** Budget for all model calls of one run, in USD. */
    max_cost_per_run_usd: z.number().positive().optional(),
    /** Keyed by agent name, e.g. `FixerAgent`. */
    agents: z.record(z.string(), AgentLimitsSchema).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.providers.forEach((p, i) => {
      if (seen.has(p.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['providers', i, 'name'],
          message: `duplicate provider name "${p.name}"`,
        });
      }
      seen.add(p.name);
    });
  });
/** `models.json` as parsed (defaults applied). */
export type ModelFile = z.infer<typeof ModelFileSchema>;

/**
 * A provider ready to be called. Holds the API key: never serialize a ProviderConfig
 * (a `ModelDecision` is the part that goes into events and state files).
 */
export interface ProviderConfig {
  name: string;
  kind: ProviderKind;
  /** Endpoint base URL (ends in `/v1`); undefined = the SDK's own default (anthropic only). */
  baseURL: string | undefined;
  apiKey: string | undefined;
  models: ModelSpec[];
}

/** Every configured model, and the routing and cost settings. */
export interface ModelConfig {
  providers: ProviderConfig[];
  /** Tier for generation requests of medium (or unstated) complexity. */
  modelTier: ModelTier;
  costPolicy: CostPolicy;
  /** Budget for all model calls of one run in USD; null = no budget. */
  maxCostPerRunUsd: number | null;
  /** Call-limit overrides by agent name. */
  agentLimits: Record<string, AgentLimits>;
  /** Where the configuration came from: file paths and `env:<VAR>` names. */
  sources: string[];
}

/** The error every invalid model setting raises: `BAD_INPUT`, with where to read more. */
export function modelConfigError(message: string, cause?: unknown): RepoRunnerError {
  return new RepoRunnerError(
    'BAD_INPUT',
    message,
    'fix the model configuration (see docs/configuration.md "Models") or remove it to run without a model',
    cause === undefined ? undefined : { cause },
  );
}
