import { modelConfigError, type ModelSpec, type ProviderConfig } from './config-schema.js';

/** Context size assumed for a model named in an environment variable (no way to ask). */
export const ENV_MODEL_CONTEXT_TOKENS = 32_768;

function envUrl(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return value;
  } catch {
    // reported below
  }
  throw modelConfigError(`${name}: expected an http(s) URL, got "${value}"`);
}

const envModels = (value: string): ModelSpec[] =>
  value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id.length > 0)
    .map((id) => ({
      id,
      tier: 'balanced',
      contextTokens: ENV_MODEL_CONTEXT_TOKENS,
      costPer1kInput: 0,
      costPer1kOutput: 0,
    }));

/**
 * Providers from `OPENAI_BASE_URL` + `OPENAI_MODEL` (+ `OPENAI_API_KEY`), named `openai`,
 * and `ANTHROPIC_API_KEY` + `ANTHROPIC_MODEL` (+ `ANTHROPIC_BASE_URL`), named `anthropic`.
 * A model variable holds comma-separated ids, tried in that order (tier `balanced`,
 * {@link ENV_MODEL_CONTEXT_TOKENS} of context, unpriced). Incomplete settings are warned about
 * and ignored; no base URL is ever guessed.
 *
 * @throws RepoRunnerError `BAD_INPUT` when a base URL variable is not an http(s) URL.
 */
export function envProviders(env: NodeJS.ProcessEnv, warn: (m: string) => void): ProviderConfig[] {
  const out: ProviderConfig[] = [];
  const openaiModels = envModels(env.OPENAI_MODEL ?? '');
  const openaiKey = env.OPENAI_API_KEY || undefined;
  if (openaiModels.length > 0) {
    // Validated only when used: a stray variable meant for another tool must not stop a run.
    const baseURL = envUrl(env, 'OPENAI_BASE_URL');
    if (baseURL) {
      out.push({
        name: 'openai',
        kind: 'openai-compatible',
        baseURL,
        apiKey: openaiKey,
        models: openaiModels,
      });
    } else {
      warn("OPENAI_MODEL is set but OPENAI_BASE_URL is not: set it to the endpoint's /v1 URL");
    }
  } else if (openaiKey) {
    warn('OPENAI_API_KEY is set but OPENAI_MODEL is not: the key is not used');
  }
  const anthropicModels = envModels(env.ANTHROPIC_MODEL ?? '');
  const anthropicKey = env.ANTHROPIC_API_KEY || undefined;
  if (anthropicKey && anthropicModels.length > 0) {
    const baseURL = envUrl(env, 'ANTHROPIC_BASE_URL');
    out.push({
      name: 'anthropic',
      kind: 'anthropic',
      baseURL,
      apiKey: anthropicKey,
      models: anthropicModels,
    });
  } else if (anthropicKey || anthropicModels.length > 0) {
    warn('Anthropic needs both ANTHROPIC_API_KEY and ANTHROPIC_MODEL: neither is used');
  }
  return out;
}
