import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { RepoRunnerError } from '../model/errors.js';
import { ENV_MODEL_CONTEXT_TOKENS, loadModelConfig } from './config.js';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-models-'));
after(() => fs.rmSync(home, { recursive: true, force: true }));
let n = 0;

/** A fresh home with `models.json` holding `content` (an object, or raw text). */
function homeWith(content?: unknown): string {
  const dir = path.join(home, String(n++));
  fs.mkdirSync(dir);
  if (content !== undefined) {
    const text = typeof content === 'string' ? content : JSON.stringify(content);
    fs.writeFileSync(path.join(dir, 'models.json'), text);
  }
  return dir;
}

const load = (env: NodeJS.ProcessEnv) => {
  const warnings: string[] = [];
  const config = loadModelConfig(env, { warn: (m) => warnings.push(m) });
  return { config, warnings };
};

const loadError = (env: NodeJS.ProcessEnv): RepoRunnerError => {
  try {
    loadModelConfig(env);
  } catch (err) {
    assert.ok(err instanceof RepoRunnerError);
    assert.equal(err.code, 'BAD_INPUT');
    return err;
  }
  assert.fail('expected an error');
};

const local = {
  name: 'local',
  kind: 'openai-compatible',
  baseURL: 'http://127.0.0.1:11434/v1',
  models: [{ id: 'qwen2.5-coder:7b', tier: 'fast', contextTokens: 32768 }],
};

describe('loadModelConfig: environment', () => {
  it('nothing configured: null, no warning', () => {
    assert.deepEqual(load({ REPO_RUNNER_HOME: homeWith() }), { config: null, warnings: [] });
  });

  it('an OpenAI key alone configures nothing, and says why', () => {
    const { config, warnings } = load({ REPO_RUNNER_HOME: homeWith(), OPENAI_API_KEY: 'k' });
    assert.equal(config, null);
    assert.match(warnings[0] ?? '', /OPENAI_MODEL is not: the key is not used/);
  });

  it('OPENAI_BASE_URL + OPENAI_MODEL (+ key): provider "openai", models in the listed order', () => {
    const { config } = load({
      REPO_RUNNER_HOME: homeWith(),
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1',
      OPENAI_MODEL: 'small, large',
    });
    assert.ok(config);
    const [p] = config.providers;
    assert.equal(p?.name, 'openai');
    assert.equal(p?.kind, 'openai-compatible');
    assert.equal(p?.apiKey, 'sk-test');
    assert.deepEqual(
      p?.models.map((m) => [m.id, m.tier, m.contextTokens, m.costPer1kInput]),
      [
        ['small', 'balanced', ENV_MODEL_CONTEXT_TOKENS, 0],
        ['large', 'balanced', ENV_MODEL_CONTEXT_TOKENS, 0],
      ],
    );
    assert.deepEqual(config.sources, ['env:OPENAI_MODEL']);
  });

  it('a model without a base URL is not guessed: a warning, no provider', () => {
    const { config, warnings } = load({ REPO_RUNNER_HOME: homeWith(), OPENAI_MODEL: 'm' });
    assert.equal(config, null);
    assert.match(warnings[0] ?? '', /OPENAI_BASE_URL is not/);
  });

  it('Anthropic: key + model; base URL only when set', () => {
    const env = {
      REPO_RUNNER_HOME: homeWith(),
      ANTHROPIC_API_KEY: 'a',
      ANTHROPIC_MODEL: 'claude-x',
    };
    const p = load(env).config?.providers[0];
    assert.deepEqual(
      [p?.name, p?.kind, p?.baseURL, p?.apiKey],
      ['anthropic', 'anthropic', undefined, 'a'],
    );
    const proxied = load({ ...env, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/v1' }).config;
    assert.equal(proxied?.providers[0]?.baseURL, 'http://127.0.0.1:9/v1');
    assert.equal(load({ ...env, ANTHROPIC_MODEL: '' }).config, null);
  });

  it('a base URL that is not http(s) is an error naming the variable', () => {
    const err = loadError({
      REPO_RUNNER_HOME: homeWith(),
      OPENAI_BASE_URL: 'file:///etc',
      OPENAI_MODEL: 'm',
    });
    assert.match(err.message, /^OPENAI_BASE_URL: expected an http\(s\) URL/);
    // ...but only when a model would use it
    assert.equal(loadModelConfig({ REPO_RUNNER_HOME: homeWith(), OPENAI_BASE_URL: 'x' }), null);
  });
});

describe('loadModelConfig: models.json', () => {
  it('reads $REPO_RUNNER_HOME/models.json with defaults filled in', () => {
    const { config } = load({
      REPO_RUNNER_HOME: homeWith({
        providers: [local],
        model_tier: 'best',
        cost_policy: 'cheapest',
        max_cost_per_run_usd: 0.5,
        agents: { FixerAgent: { maxTokens: 1000, timeoutMs: 30000 } },
      }),
    });
    assert.ok(config);
    assert.equal(config.modelTier, 'best');
    assert.equal(config.costPolicy, 'cheapest');
    assert.equal(config.maxCostPerRunUsd, 0.5);
    assert.deepEqual(config.agentLimits, { FixerAgent: { maxTokens: 1000, timeoutMs: 30000 } });
    assert.deepEqual(config.providers[0]?.models[0], {
      ...{ id: 'qwen2.5-coder:7b', tier: 'fast', contextTokens: 32768 },
      ...{ costPer1kInput: 0, costPer1kOutput: 0 },
    });
    assert.equal(config.providers[0]?.apiKey, undefined);
  });

  it('REPO_RUNNER_MODELS names the file; a missing one is an error', () => {
    const file = path.join(homeWith({ providers: [local] }), 'models.json');
    assert.equal(
      load({ REPO_RUNNER_HOME: homeWith(), REPO_RUNNER_MODELS: file }).config?.sources[0],
      file,
    );
    const err = loadError({ REPO_RUNNER_MODELS: path.join(home, 'nope.json') });
    assert.match(err.message, /nope\.json cannot be read as JSON/);
  });

  it('the API key comes from apiKeyEnv; a provider whose variable is unset is skipped', () => {
    const withKey = { ...local, apiKeyEnv: 'LOCAL_KEY' };
    const dir = homeWith({ providers: [withKey] });
    assert.equal(
      load({ REPO_RUNNER_HOME: dir, LOCAL_KEY: 's3cret' }).config?.providers[0]?.apiKey,
      's3cret',
    );
    const { config, warnings } = load({ REPO_RUNNER_HOME: dir });
    assert.equal(config, null);
    assert.deepEqual(warnings, ['model provider local skipped: LOCAL_KEY is not set']);
  });

  it('a file provider wins over the environment provider of the same name', () => {
    const { config } = load({
      REPO_RUNNER_HOME: homeWith({ providers: [{ ...local, name: 'openai' }] }),
      OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1',
      OPENAI_MODEL: 'other',
    });
    assert.deepEqual(
      config?.providers.map((p) => [p.name, p.baseURL]),
      [['openai', 'http://127.0.0.1:11434/v1']],
    );
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ['not JSON', '{ providers: ', /cannot be read as JSON/],
    [
      'a wrong tier',
      { providers: [{ ...local, models: [{ id: 'm', tier: 'huge', contextTokens: 1 }] }] },
      /providers\.0\.models\.0\.tier: /,
    ],
    [
      'an unknown field',
      { providers: [], model_teir: 'best' },
      /\(top level\): Unrecognized key: "model_teir"/,
    ],
    [
      'openai-compatible without baseURL',
      { providers: [{ ...local, baseURL: undefined }] },
      /providers\.0\.baseURL: required for kind "openai-compatible"/,
    ],
    [
      'a javascript: URL',
      { providers: [{ ...local, baseURL: 'javascript:alert(1)' }] },
      /providers\.0\.baseURL: expected an http\(s\) URL/,
    ],
    [
      'duplicate names',
      { providers: [local, local] },
      /providers\.1\.name: duplicate provider name "local"/,
    ],
    [
      'a negative price',
      { providers: [{ ...local, models: [{ id: 'm', contextTokens: 1, costPer1kInput: -1 }] }] },
      /providers\.0\.models\.0\.costPer1kInput/,
    ],
    [
      'a bad agent limit',
      { agents: { FixerAgent: { temperature: 5 } } },
      /agents\.FixerAgent\.temperature/,
    ],
  ];
  for (const [what, content, message] of invalid) {
    it(`${what}: BAD_INPUT naming the field`, () => {
      const err = loadError({ REPO_RUNNER_HOME: homeWith(content) });
      assert.match(err.message, message);
      assert.match(err.hint ?? '', /docs\/configuration\.md/);
    });
  }
});
