import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { callWithTools, type CallWithToolsOptions } from '../src/llm/client.js';
import { loadModelConfig, type ModelConfig } from '../src/llm/config.js';
import { chainConfig, sampleTools } from '../src/llm/models.test-kit.js';
import type { ModelUsage } from '../src/model/llm-types.js';
import { modelManager } from '../src/managers/model-manager.js';
import {
  closedPort,
  startScriptedModelServer,
  type ScriptedModelServer,
  type ScriptedReply,
} from './support/scripted-model-server.js';

const tools = sampleTools('/work/repo');
type Tools = typeof tools;
const servers: ScriptedModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function serve(script: ScriptedReply[]): Promise<ScriptedModelServer> {
  const s = await startScriptedModelServer(script);
  servers.push(s);
  return s;
}

const flask = { name: 'add_package', arguments: { ecosystem: 'pip', name: 'flask' } };
const answers: ScriptedReply = {
  kind: 'tool-calls',
  calls: [flask],
  usage: { input: 1000, output: 500 },
};

function options(
  config: ModelConfig,
  over: Partial<CallWithToolsOptions<Tools>> = {},
): CallWithToolsOptions<Tools> {
  const prompt = 'ModuleNotFoundError: No module named flask';
  const decision = modelManager.decide(config, { task: 'generation', agent: 'FixerAgent', prompt });
  return { config, decision, system: 'Fix it.', prompt, tools, runId: 'run-7', ...over };
}

/** Asks a chain of [first endpoint, a working one]; returns the result and the usage seen. */
async function fallsBack(firstURL: string, timeoutMs = 60_000) {
  const good = await serve([answers]);
  const seen: ModelUsage[] = [];
  const config = chainConfig([firstURL, good.baseURL], {
    agentLimits: { FixerAgent: { timeoutMs } },
  });
  const started = Date.now();
  const result = await callWithTools(options(config, { onUsage: (u) => seen.push(u) }));
  assert.deepEqual(
    result.calls.map((c) => c.tool),
    ['add_package'],
    'the second model answered',
  );
  assert.equal(result.answeredBy?.provider, 'p1');
  assert.deepEqual(seen, result.usage);
  assert.deepEqual(
    seen.map((u) => u.ok),
    [false, true],
  );
  assert.equal(result.warnings.length, 1);
  return { result, first: seen[0] as ModelUsage, elapsedMs: Date.now() - started };
}

describe('callWithTools: fallback', () => {
  it('from a down endpoint (closed port)', async () => {
    const { result, first } = await fallsBack(`http://127.0.0.1:${await closedPort()}/v1`);
    assert.equal(
      result.warnings[0],
      'p0/m0 failed: endpoint unreachable (ECONNREFUSED); trying the next model',
    );
    assert.equal(first.error, 'endpoint unreachable (ECONNREFUSED)');
  });

  it('from a slow endpoint, after the per-attempt time limit', async () => {
    const slow = await serve([{ ...answers, delayMs: 5_000 }]);
    const { result, first, elapsedMs } = await fallsBack(slow.baseURL, 300);
    assert.match(result.warnings[0] ?? '', /^p0\/m0 failed: no answer within 300 ms/);
    assert.ok(first.latencyMs >= 250 && first.latencyMs < 2_000, `latency ${first.latencyMs}`);
    assert.ok(elapsedMs < 3_000, `took ${elapsedMs} ms`);
  });

  const garbage: Array<[string, ScriptedReply, string]> = [
    ['HTTP 500', { kind: 'http-error', status: 500 }, 'HTTP 500: Internal Server Error'],
    [
      'a non-JSON body',
      { kind: 'garbage', body: '<html>proxy error</html>' },
      'the response is not JSON (HTTP 200)',
    ],
    [
      'JSON of the wrong shape',
      { kind: 'garbage', body: '{"hello":"world"}' },
      'the response JSON has the wrong shape',
    ],
  ];
  for (const [what, reply, why] of garbage) {
    it(`from ${what}`, async () => {
      const bad = await serve([reply]);
      const { first } = await fallsBack(bad.baseURL);
      assert.equal(first.error, why);
    });
  }

  it('no model answers: no calls, one warning per attempt, nothing thrown', async () => {
    const bad = await serve([
      { kind: 'http-error', status: 503 },
      { kind: 'garbage', body: 'x' },
    ]);
    const down = `http://127.0.0.1:${await closedPort()}/v1`;
    const result = await callWithTools(options(chainConfig([bad.baseURL, bad.baseURL, down])));
    assert.deepEqual([result.calls, result.refused, result.answeredBy], [[], [], null]);
    assert.deepEqual(
      result.usage.map((u) => [u.model, u.ok]),
      [
        ['m0', false],
        ['m1', false],
        ['m2', false],
      ],
    );
    assert.equal(result.warnings.length, 3);
    assert.match(result.warnings[2] ?? '', /ECONNREFUSED\); no model left$/);
  });

  it("an empty chain: no request, a warning with the manager's reason", async () => {
    const config = chainConfig(['http://127.0.0.1:9/v1'], { maxCostPerRunUsd: 0.01 });
    const result = await callWithTools(options(config));
    assert.deepEqual(result.usage, []);
    assert.match(result.warnings[0] ?? '', /^no model to ask: .*no model fits: p0\/m0: estimated/);
  });

  it("the caller's abort is thrown at once, not turned into a fallback", async () => {
    const hung = await serve([{ kind: 'hang' }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await assert.rejects(
      callWithTools(
        options(chainConfig([hung.baseURL, hung.baseURL]), { signal: controller.signal }),
      ),
      { name: 'AbortError' },
    );
    assert.ok(Date.now() - started < 2_000);
    assert.equal(hung.requests.length, 1, 'the next model was not tried');
  });
});

describe('callWithTools: usage', () => {
  it('records tokens, cost from the configured prices, latency, run and agent', async () => {
    const s = await serve([answers]);
    const seen: ModelUsage[] = [];
    const result = await callWithTools(
      options(chainConfig([s.baseURL]), { onUsage: (u) => seen.push(u), agent: 'DependencyAgent' }),
    );
    assert.equal(seen.length, 1);
    const { latencyMs, ...rest } = seen[0] as ModelUsage;
    assert.deepEqual(rest, {
      ...{ runId: 'run-7', agent: 'DependencyAgent', provider: 'p0', model: 'm0', ok: true },
      // 1000 in at $0.5/1k + 500 out at $1.5/1k
      ...{ inputTokens: 1000, outputTokens: 500, costUsd: 1.25 },
    });
    assert.ok(latencyMs >= 0 && latencyMs < 5_000);
    assert.deepEqual(result.usage, seen);
  });

  it('an onUsage that throws becomes a warning', async () => {
    const s = await serve([answers]);
    const onUsage = () => {
      throw new Error('store closed');
    };
    const result = await callWithTools(options(chainConfig([s.baseURL]), { onUsage }));
    assert.equal(result.calls.length, 1);
    assert.deepEqual(result.warnings, ['onUsage failed: store closed']);
  });
});

describe('models.json to a proposed call', () => {
  it('loads the file, routes, and calls the configured endpoint with the key from apiKeyEnv', async () => {
    const s = await serve([answers]);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-models-e2e-'));
    try {
      const file = {
        providers: [
          {
            ...{
              name: 'local',
              kind: 'openai-compatible',
              baseURL: s.baseURL,
              apiKeyEnv: 'LOCAL_KEY',
            },
            models: [
              {
                id: 'coder',
                tier: 'fast',
                contextTokens: 8192,
                costPer1kInput: 0.1,
                costPer1kOutput: 0.2,
              },
            ],
          },
        ],
        agents: { FixerAgent: { maxTokens: 300, temperature: 0 } },
      };
      fs.writeFileSync(path.join(home, 'models.json'), JSON.stringify(file));
      const config = loadModelConfig({ REPO_RUNNER_HOME: home, LOCAL_KEY: 'k-123' });
      assert.ok(config);
      const result = await callWithTools(options(config));
      const req = s.requests[0];
      assert.equal(req?.headers.authorization, 'Bearer k-123');
      assert.deepEqual(
        [req?.body.model, req?.body.max_tokens, req?.body.temperature],
        ['coder', 300, 0],
      );
      assert.equal(result.usage[0]?.costUsd, 0.2);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
