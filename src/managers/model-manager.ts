import type { ModelConfig } from '../llm/config.js';
import { costUsd, estimateTokens } from '../llm/cost.js';
import {
  MODEL_TIERS,
  type CallLimits,
  type Complexity,
  type ModelChoice,
  type ModelDecision,
  type ModelTier,
  type SkippedModel,
  type TaskKind,
} from '../model/llm-types.js';

/** Limits by task kind before per-agent overrides: decisions are short and near-deterministic. */
export const DEFAULT_LIMITS: Readonly<Record<TaskKind, Readonly<CallLimits>>> = {
  decision: { maxTokens: 512, timeoutMs: 20_000, temperature: 0 },
  generation: { maxTokens: 2048, timeoutMs: 60_000, temperature: 0.2 },
};

/** One request to route. */
export interface ModelRequest {
  /** `decision` (a manager choosing) or `generation` (an agent writing a longer answer). */
  task: TaskKind;
  /** Agent or manager name; picks the `agents.<name>` limits of the configuration. */
  agent: string;
  /** The full prompt (system + user), or its length in characters. */
  prompt: string | number;
  /** Defaults to `medium`. */
  complexity?: Complexity;
  /** USD this run has already spent on model calls (checked against the run budget). */
  spentUsd?: number;
  /** A repo's own `model_tier` (repo-runner.json); overrides the configuration's. */
  modelTier?: ModelTier;
}

const rank = (t: ModelTier): number => MODEL_TIERS.indexOf(t);

function wantedTier(config: ModelConfig, r: ModelRequest): { tier: ModelTier; why: string } {
  if (r.task === 'decision') return { tier: 'fast', why: 'decisions use the fast tier' };
  const complexity = r.complexity ?? 'medium';
  if (complexity === 'low') return { tier: 'fast', why: 'low complexity' };
  if (complexity === 'high') return { tier: 'best', why: 'high complexity' };
  const tier = r.modelTier ?? config.modelTier;
  return { tier, why: r.modelTier ? 'the repo asks for it' : 'configured model_tier' };
}

function limitsFor(config: ModelConfig, r: ModelRequest): CallLimits {
  const own = Object.hasOwn(config.agentLimits, r.agent) ? config.agentLimits[r.agent] : undefined;
  const d = DEFAULT_LIMITS[r.task];
  return {
    maxTokens: own?.maxTokens ?? d.maxTokens,
    timeoutMs: own?.timeoutMs ?? d.timeoutMs,
    temperature: own?.temperature ?? d.temperature,
  };
}

type Candidate = ModelChoice & { order: number; distance: number };

function compare(policy: ModelConfig['costPolicy'], a: Candidate, b: Candidate): number {
  const byCost = a.estimatedCostUsd - b.estimatedCostUsd;
  const byTierDesc = rank(b.tier) - rank(a.tier);
  let d: number;
  if (policy === 'cheapest') d = byCost || a.distance - b.distance;
  else if (policy === 'best') d = byTierDesc || byCost;
  // balanced: the wanted tier, then its neighbours (the better one first), cheaper first within
  else d = a.distance - b.distance || byTierDesc || byCost;
  return d || a.order - b.order;
}

/**
 * ModelManager: decides which models serve a request, in which order, and with which
 * limits. Pure: it reads the configuration and the request, calls nothing.
 *
 * Rules (docs/configuration.md "Models"): a decision wants the fast tier; a generation
 * wants `fast`/`model_tier`/`best` for low/medium/high complexity. A model is skipped when
 * its context cannot hold the estimated prompt (characters / 4) plus `maxTokens`, or when
 * its worst-case cost exceeds what is left of `max_cost_per_run_usd`. The rest are ordered
 * by the cost policy: `cheapest` (estimated cost, then closeness to the wanted tier),
 * `balanced` (closeness to the wanted tier, better tier on ties, then cost) or `best`
 * (best tier first, then cost); configuration order breaks remaining ties.
 */
export const modelManager = {
  name: 'ModelManager',

  /**
   * Routes one request.
   *
   * @returns the decision; `chain` is empty when no model fits (`reason` says why).
   * @example
   * const d = modelManager.decide(config, { task: 'generation', agent: 'FixerAgent', prompt });
   * if (d.chain.length === 0) return rulesOnly(d.reason);
   */
  decide(config: ModelConfig, request: ModelRequest): ModelDecision {
    const { tier, why } = wantedTier(config, request);
    const limits = limitsFor(config, request);
    const promptTokens = estimateTokens(request.prompt);
    const needed = promptTokens + limits.maxTokens;
    const remaining =
      config.maxCostPerRunUsd === null
        ? Infinity
        : config.maxCostPerRunUsd - (request.spentUsd ?? 0);
    const candidates: Candidate[] = [];
    const skipped: SkippedModel[] = [];
    for (const p of config.providers) {
      for (const m of p.models) {
        const estimatedCostUsd = costUsd(m, promptTokens, limits.maxTokens);
        const skip = (reason: string) => skipped.push({ provider: p.name, model: m.id, reason });
        if (m.contextTokens < needed) {
          skip(
            `context ${m.contextTokens} tokens < ${needed} needed (prompt ~${promptTokens} + output ${limits.maxTokens})`,
          );
        } else if (estimatedCostUsd > remaining) {
          skip(
            `estimated $${estimatedCostUsd} exceeds the $${Math.max(0, remaining)} left of the run budget`,
          );
        } else {
          const { id: model, tier: mTier, contextTokens, costPer1kInput, costPer1kOutput } = m;
          candidates.push({
            ...{ provider: p.name, kind: p.kind, model, tier: mTier, contextTokens },
            ...{ costPer1kInput, costPer1kOutput, estimatedCostUsd },
            order: candidates.length + skipped.length,
            distance: Math.abs(rank(mTier) - rank(tier)),
          });
        }
      }
    }
    const chain = candidates
      .sort((a, b) => compare(config.costPolicy, a, b))
      .map(({ order: _o, distance: _d, ...choice }) => choice);
    const head = `${request.task} for ${request.agent}: tier ${tier} (${why}), policy ${config.costPolicy}`;
    const reason =
      chain.length > 0
        ? `${head}; ${chain.length} model(s), ${skipped.length} skipped`
        : `${head}; no model fits: ${skipped.map((s) => `${s.provider}/${s.model}: ${s.reason}`).join('; ')}`;
    return {
      ...{ task: request.task, agent: request.agent, tier, policy: config.costPolicy },
      ...{ estimatedPromptTokens: promptTokens, limits, chain, skipped, reason },
    };
  },
};
