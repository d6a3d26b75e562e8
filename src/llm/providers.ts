import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { ModelConfig, ProviderConfig } from './config.js';
import type { ModelChoice } from '../model/llm-types.js';

/**
 * An AI SDK `LanguageModel` for one model of a provider: `createOpenAICompatible` (OpenAI,
 * vLLM, Ollama, llama.cpp server, ...) or `createAnthropic`. Nothing is sent until the
 * model is called. Only the configured base URL is used; for `anthropic` without one, the
 * SDK's own default applies.
 *
 * @example const model = buildLanguageModel(config.providers[0], 'qwen2.5-coder:7b');
 */
export function buildLanguageModel(provider: ProviderConfig, modelId: string): LanguageModel {
  if (provider.kind === 'anthropic') {
    return createAnthropic({
      // Passed explicitly so the SDK never falls back to variables of our own process.
      ...(provider.baseURL ? { baseURL: provider.baseURL } : {}),
      apiKey: provider.apiKey ?? '',
    })(modelId);
  }
  if (!provider.baseURL) throw new Error(`provider ${provider.name} has no baseURL`);
  return createOpenAICompatible({
    name: provider.name,
    baseURL: provider.baseURL,
    ...(provider.apiKey ? { apiKey: provider.apiKey } : {}),
    includeUsage: true,
  }).chatModel(modelId);
}

/**
 * The `LanguageModel` for one entry of a fallback chain.
 *
 * @throws Error when the chain names a provider the configuration does not have (a decision
 *   made from another configuration), or an openai-compatible provider without a base URL.
 */
export function languageModelFor(config: ModelConfig, choice: ModelChoice): LanguageModel {
  const provider = config.providers.find((p) => p.name === choice.provider);
  if (!provider) throw new Error(`model provider ${choice.provider} is not configured`);
  return buildLanguageModel(provider, choice.model);
}
