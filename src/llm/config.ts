import fs from 'node:fs';
import path from 'node:path';
import { describeIssues } from '../model/overrides.js';
import { repoRunnerHome } from '../model/paths.js';
import { ModelFileSchema, modelConfigError, type ModelConfig } from './config-schema.js';
import { envProviders } from './env-providers.js';

export type { AgentLimits, ModelConfig, ModelSpec, ProviderConfig } from './config-schema.js';
export { ENV_MODEL_CONTEXT_TOKENS } from './env-providers.js';

/** Options of {@link loadModelConfig}. */
export interface LoadModelConfigOptions {
  /** Told about settings that were ignored (a key without a model, a missing key variable). */
  warn?: (message: string) => void;
}

/**
 * Reads the model configuration: `models.json` (`$REPO_RUNNER_MODELS`, else
 * `$REPO_RUNNER_HOME/models.json`), then `OPENAI_*` and `ANTHROPIC_*` variables as
 * providers named `openai` and `anthropic` (a file provider of the same name wins).
 *
 * @returns null when no usable model is configured: callers then use rules only.
 * @throws RepoRunnerError `BAD_INPUT` for unreadable or invalid JSON, a field that fails
 *   validation (the message names it, e.g. `providers.0.models.0.tier: ...`), a missing
 *   `$REPO_RUNNER_MODELS` file, or a bad `OPENAI_BASE_URL`/`ANTHROPIC_BASE_URL`.
 * @example
 * const config = loadModelConfig(process.env, { warn: (m) => bus.warn(m) });
 * if (config === null) return rulesOnly();
 */
export function loadModelConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: LoadModelConfigOptions = {},
): ModelConfig | null {
  const warn = options.warn ?? (() => {});
  const explicit = env.REPO_RUNNER_MODELS;
  const file = explicit ? path.resolve(explicit) : path.join(repoRunnerHome(env), 'models.json');
  const config: ModelConfig = {
    providers: [],
    modelTier: 'balanced',
    costPolicy: 'balanced',
    maxCostPerRunUsd: null,
    agentLimits: {},
    sources: [],
  };
  if (explicit || fs.existsSync(file)) readFile(file, env, config, warn);
  for (const p of envProviders(env, warn)) {
    if (config.providers.some((q) => q.name === p.name)) continue;
    config.providers.push(p);
    config.sources.push(`env:${p.kind === 'anthropic' ? 'ANTHROPIC' : 'OPENAI'}_MODEL`);
  }
  return config.providers.length > 0 ? config : null;
}

function readFile(
  file: string,
  env: NodeJS.ProcessEnv,
  config: ModelConfig,
  warn: (m: string) => void,
): void {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw modelConfigError(`model configuration ${file} cannot be read as JSON: ${why}`, err);
  }
  const parsed = ModelFileSchema.safeParse(raw);
  if (!parsed.success) throw modelConfigError(`${file}: ${describeIssues(parsed.error)}`);
  const f = parsed.data;
  config.sources.push(file);
  if (f.model_tier) config.modelTier = f.model_tier;
  if (f.cost_policy) config.costPolicy = f.cost_policy;
  config.maxCostPerRunUsd = f.max_cost_per_run_usd ?? null;
  config.agentLimits = f.agents ?? {};
  for (const p of f.providers) {
    const apiKey = p.apiKeyEnv ? env[p.apiKeyEnv] || undefined : undefined;
    if (p.apiKeyEnv && !apiKey) {
      warn(`model provider ${p.name} skipped: ${p.apiKeyEnv} is not set`);
      continue;
    }
    if (p.kind === 'anthropic' && !apiKey) {
      warn(`model provider ${p.name} skipped: kind "anthropic" needs apiKeyEnv`);
      continue;
    }
    config.providers.push({
      name: p.name,
      kind: p.kind,
      baseURL: p.baseURL,
      apiKey,
      models: p.models,
    });
  }
}

/**
 * {@link loadModelConfig} for a run: a broken configuration is a warning (`model
 * configuration ignored: …`) and the run goes on model-free, so this never throws.
 */
export function loadModelConfigOrWarn(
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
): ModelConfig | null {
  try {
    return loadModelConfig(env, { warn });
  } catch (err) {
    warn(`model configuration ignored: ${(err as Error).message}`);
    return null;
  }
}
