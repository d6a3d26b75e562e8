import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelConfig } from '../llm/config.js';
import { model, modelConfig, provider } from '../llm/models.test-kit.js';
import { DEFAULT_LIMITS, modelManager, type ModelRequest } from './model-manager.js';

/** fast/balanced/best models from a paid vendor and a free local server. */
const vendor = provider('vendor', 'http://127.0.0.1:1/v1', [
  model('v-fast', { tier: 'fast', costPer1kInput: 0.1, costPer1kOutput: 0.4 }),
  model('v-balanced', { tier: 'balanced', costPer1kInput: 1, costPer1kOutput: 4 }),
  model('v-best', { tier: 'best', contextTokens: 200_000, costPer1kInput: 5, costPer1kOutput: 20 }),
]);
const local = provider('local', 'http://127.0.0.1:2/v1', [
  model('l-small', { tier: 'fast', contextTokens: 4096 }),
]);
const config = (over: Partial<ModelConfig> = {}) => modelConfig([vendor, local], over);

const gen = (over: Partial<ModelRequest> = {}): ModelRequest => ({
  task: 'generation',
  agent: 'FixerAgent',
  prompt: 'x'.repeat(4000),
  ...over,
});
const chain = (c: ModelConfig, r: ModelRequest) =>
  modelManager.decide(c, r).chain.map((m) => m.model);

describe('modelManager.decide: tiers and limits', () => {
  it('a decision wants the fast tier, with the short, deterministic limits', () => {
    const d = modelManager.decide(config(), {
      task: 'decision',
      agent: 'OrchestratorManager',
      prompt: 'p',
    });
    assert.equal(d.tier, 'fast');
    assert.deepEqual(d.limits, DEFAULT_LIMITS.decision);
    assert.deepEqual(
      d.chain.slice(0, 2).map((m) => m.tier),
      ['fast', 'fast'],
    );
    assert.equal(d.estimatedPromptTokens, 1);
  });

  it("a generation picks the tier by complexity; medium uses model_tier, or the repo's", () => {
    const tier = (r: Partial<ModelRequest>, c = config()) => modelManager.decide(c, gen(r)).tier;
    assert.equal(tier({ complexity: 'low' }), 'fast');
    assert.equal(tier({}), 'balanced');
    assert.equal(tier({ complexity: 'medium' }, config({ modelTier: 'best' })), 'best');
    assert.equal(tier({ modelTier: 'fast' }, config({ modelTier: 'best' })), 'fast');
    assert.equal(tier({ complexity: 'high' }), 'best');
  });

  it("per-agent limits override the task kind's defaults field by field", () => {
    const c = config({ agentLimits: { FixerAgent: { maxTokens: 900, temperature: 0.7 } } });
    assert.deepEqual(modelManager.decide(c, gen()).limits, {
      maxTokens: 900,
      timeoutMs: DEFAULT_LIMITS.generation.timeoutMs,
      temperature: 0.7,
    });
    assert.deepEqual(
      modelManager.decide(c, gen({ agent: 'constructor' })).limits,
      DEFAULT_LIMITS.generation,
    );
  });
});

describe('modelManager.decide: skipping', () => {
  it('skips a model whose context cannot hold the prompt plus the output', () => {
    // 1000 prompt tokens + 2048 output fit in 4096; 3000 + 2048 do not.
    assert.ok(chain(config(), gen()).includes('l-small'));
    const d = modelManager.decide(config(), gen({ prompt: 12_000 }));
    assert.ok(!d.chain.some((m) => m.model === 'l-small'));
    assert.deepEqual(d.skipped, [
      {
        provider: 'local',
        model: 'l-small',
        reason: 'context 4096 tokens < 5048 needed (prompt ~3000 + output 2048)',
      },
    ]);
  });

  it('skips models whose worst-case cost exceeds what is left of the run budget', () => {
    // 1000 prompt + 2048 output: v-fast $0.9192, v-balanced $9.192, v-best $45.96, local free.
    const c = config({ maxCostPerRunUsd: 10 });
    assert.deepEqual(chain(c, gen()), ['v-balanced', 'l-small', 'v-fast']);
    assert.deepEqual(chain(c, gen({ spentUsd: 9 })), ['l-small', 'v-fast']);
    const spent = modelManager.decide(c, gen({ spentUsd: 10 }));
    assert.deepEqual(
      spent.chain.map((m) => m.model),
      ['l-small'],
    );
    assert.match(
      spent.skipped[0]?.reason ?? '',
      /^estimated \$0\.9192 exceeds the \$0 left of the run budget$/,
    );
  });

  it('an empty chain says why', () => {
    const d = modelManager.decide(modelConfig([local]), gen({ prompt: 40_000 }));
    assert.deepEqual(d.chain, []);
    assert.match(d.reason, /no model fits: local\/l-small: context 4096 tokens < 12048 needed/);
  });
});

describe('modelManager.decide: cost policy ordering', () => {
  it('balanced: the wanted tier, then the better neighbour, cheaper first within a tier', () => {
    assert.deepEqual(chain(config(), gen()), ['v-balanced', 'v-best', 'l-small', 'v-fast']);
    assert.deepEqual(chain(config(), gen({ complexity: 'low' })), [
      'l-small',
      'v-fast',
      'v-balanced',
      'v-best',
    ]);
  });

  it('cheapest: estimated cost first, closeness to the tier on ties', () => {
    const c = config({ costPolicy: 'cheapest' });
    assert.deepEqual(chain(c, gen({ complexity: 'high' })), [
      'l-small',
      'v-fast',
      'v-balanced',
      'v-best',
    ]);
  });

  it('best: best tier first, whatever was wanted', () => {
    const c = config({ costPolicy: 'best' });
    assert.deepEqual(chain(c, gen({ complexity: 'low' })), [
      'v-best',
      'v-balanced',
      'l-small',
      'v-fast',
    ]);
  });

  it('configuration order breaks the remaining ties', () => {
    const twins = provider('twins', 'http://127.0.0.1:3/v1', [model('b'), model('a'), model('c')]);
    assert.deepEqual(chain(modelConfig([twins]), gen()), ['b', 'a', 'c']);
  });
});

describe('modelManager.decide: purity', () => {
  it('same input, same decision; the configuration is not changed; no API key in the decision', () => {
    const c = config({ costPolicy: 'cheapest' });
    const before = JSON.stringify(c);
    const a = modelManager.decide(c, gen());
    assert.deepEqual(modelManager.decide(c, gen()), a);
    assert.equal(JSON.stringify(c), before);
    assert.ok(!JSON.stringify(a).includes('test-key'));
    assert.deepEqual(a.chain[0], {
      ...{ provider: 'local', kind: 'openai-compatible', model: 'l-small', tier: 'fast' },
      ...{ contextTokens: 4096, costPer1kInput: 0, costPer1kOutput: 0, estimatedCostUsd: 0 },
    });
  });
});
