/**
 * Plain data shared by the model configuration, the ModelManager and the model client.
 * Everything here is serializable (no API keys, no SDK objects), so a decision and its
 * usage records can go into checkpoints, events and state files as they are.
 */

/** Model quality tiers, cheapest first. */
export const MODEL_TIERS = ['fast', 'balanced', 'best'] as const;
/** `fast` (small, cheap), `balanced` (default) or `best` (largest, dearest). */
export type ModelTier = (typeof MODEL_TIERS)[number];

/** How a run trades cost against quality when ordering candidate models. */
export const COST_POLICIES = ['cheapest', 'balanced', 'best'] as const;
/** See {@link COST_POLICIES} and docs/configuration.md "Models". */
export type CostPolicy = (typeof COST_POLICIES)[number];

/** `decision`: a manager's short, low-temperature choice; `generation`: an agent's longer answer. */
export type TaskKind = 'decision' | 'generation';

/** How hard the caller thinks the request is; it picks the tier wanted. */
export type Complexity = 'low' | 'medium' | 'high';

/** Wire protocol of a provider. */
export type ProviderKind = 'openai-compatible' | 'anthropic';

/** Per-call limits: output tokens, wait per attempt (ms) and sampling temperature. */
export interface CallLimits {
  /** Maximum output tokens the model may generate. */
  maxTokens: number;
  /** Longest wait for one attempt (one model of the chain), in milliseconds. */
  timeoutMs: number;
  /** Sampling temperature (0 = most deterministic). */
  temperature: number;
}

/** One model of a fallback chain, with the numbers the decision was made on. */
export interface ModelChoice {
  /** Provider name from the configuration (e.g. `openai`, `local-vllm`). */
  provider: string;
  kind: ProviderKind;
  /** Model id as the endpoint knows it. */
  model: string;
  tier: ModelTier;
  /** Context window in tokens (prompt plus output). */
  contextTokens: number;
  /** USD per 1000 input tokens. */
  costPer1kInput: number;
  /** USD per 1000 output tokens. */
  costPer1kOutput: number;
  /** Worst-case cost of this request in USD: estimated prompt plus `maxTokens` of output. */
  estimatedCostUsd: number;
}

/** A model the ModelManager left out of the chain, and why. */
export interface SkippedModel {
  provider: string;
  model: string;
  reason: string;
}

/**
 * What the ModelManager decided for one request: limits and an ordered fallback chain
 * (try `chain[0]` first). An empty chain means "no model for this request" (see `reason`).
 */
export interface ModelDecision {
  task: TaskKind;
  agent: string;
  /** Tier wanted before the cost policy ordered the candidates. */
  tier: ModelTier;
  policy: CostPolicy;
  /** Prompt size estimate in tokens (characters / 4). */
  estimatedPromptTokens: number;
  limits: CallLimits;
  chain: ModelChoice[];
  skipped: SkippedModel[];
  /** One line for people: why this chain. */
  reason: string;
}

/** Tokens, cost and latency of one attempt (one model of a chain), successful or not. */
export interface ModelUsage {
  runId: string;
  /** The agent or manager that made the call. */
  agent: string;
  provider: string;
  model: string;
  /** False when the attempt failed (endpoint down, timeout, bad response). */
  ok: boolean;
  /** Prompt tokens reported by the endpoint (0 when it reported none or failed). */
  inputTokens: number;
  /** Output tokens reported by the endpoint (0 when it reported none or failed). */
  outputTokens: number;
  /** From the configured prices, in USD. */
  costUsd: number;
  /** Wall time of the attempt in milliseconds. */
  latencyMs: number;
  /** Why the attempt failed, when `ok` is false. */
  error?: string;
}
