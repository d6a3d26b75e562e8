import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { callWithTools, type CallWithToolsOptions } from '../src/llm/client.js';
import type { ModelConfig } from '../src/llm/config.js';
import {
  chainConfig,
  model,
  modelConfig,
  provider,
  sampleTools,
} from '../src/llm/models.test-kit.js';
import { modelManager } from '../src/managers/model-manager.js';
import {
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

function options(
  config: ModelConfig,
  over: Partial<CallWithToolsOptions<Tools>> = {},
): CallWithToolsOptions<Tools> {
  const prompt = 'ModuleNotFoundError: No module named flask';
  const decision = modelManager.decide(config, { task: 'generation', agent: 'FixerAgent', prompt });
  return {
    config,
    decision,
    system: 'You fix repositories.',
    prompt,
    tools,
    runId: 'run-1',
    ...over,
  };
}

const flask = { name: 'add_package', arguments: { ecosystem: 'pip', name: 'flask' } };

describe('callWithTools: the request', () => {
  it('sends the model id, messages, zod-derived tool schemas, limits and the key', async () => {
    const s = await serve([{ kind: 'tool-calls', calls: [flask] }]);
    await callWithTools(options(chainConfig([s.baseURL])));
    assert.equal(s.requests.length, 1);
    const [req] = s.requests;
    assert.equal(req?.path, '/v1/chat/completions');
    assert.equal(req?.headers.authorization, 'Bearer test-key');
    const body = req?.body;
    assert.equal(body.model, 'm0');
    assert.deepEqual(body.messages, [
      { role: 'system', content: 'You fix repositories.' },
      { role: 'user', content: 'ModuleNotFoundError: No module named flask' },
    ]);
    assert.equal(body.temperature, 0.2);
    assert.equal(body.max_tokens, 2048);
    assert.equal(body.tool_choice, 'auto');
    assert.deepEqual(
      body.tools.map((t: any) => t.function.name),
      ['set_env_var', 'add_package', 'write_file'],
    );
    assert.deepEqual(body.tools[0], {
      type: 'function',
      function: {
        name: 'set_env_var',
        description: 'Set a variable in the repository .env file',
        parameters: {
          type: 'object',
          properties: {
            name: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' },
            value: { type: 'string', maxLength: 4096 },
          },
          required: ['name', 'value'],
          additionalProperties: false,
        },
      },
    });
  });

  it('sends no Authorization header to a keyless local endpoint', async () => {
    const s = await serve([{ kind: 'text', text: 'ok' }]);
    const config = modelConfig([
      provider('ollama', s.baseURL, [model('llama')], { apiKey: undefined }),
    ]);
    await callWithTools(options(config));
    assert.equal(s.requests[0]?.headers.authorization, undefined);
  });

  it('speaks Anthropic messages to an anthropic provider', async () => {
    const s = await serve([{ kind: 'tool-calls', text: 'Adding flask.', calls: [flask] }]);
    const anthropic = provider('claude', s.baseURL, [model('claude-test')], {
      kind: 'anthropic',
      apiKey: 'ak',
    });
    const result = await callWithTools(options(modelConfig([anthropic])));
    const [req] = s.requests;
    assert.equal(req?.path, '/v1/messages');
    assert.equal(req?.headers['x-api-key'], 'ak');
    assert.ok(req?.headers['anthropic-version']);
    assert.equal(req?.body.model, 'claude-test');
    assert.equal(req?.body.max_tokens, 2048);
    assert.deepEqual(req?.body.system, [{ type: 'text', text: 'You fix repositories.' }]);
    assert.deepEqual(req?.body.tools[1].name, 'add_package');
    assert.deepEqual(req?.body.tools[1].input_schema.required, ['ecosystem', 'name']);
    assert.deepEqual(result.calls, [
      { tool: 'add_package', input: { ecosystem: 'pip', name: 'flask' }, id: 'toolu_1' },
    ]);
    assert.equal(result.text, 'Adding flask.');
    for (const c of result.calls) {
      // calls are typed by tool: the input is the schema's output type
      if (c.tool === 'add_package') assert.equal(c.input.ecosystem, 'pip');
    }
  });
});

describe('callWithTools: proposed calls', () => {
  it('returns valid calls and refuses unknown tools, bad JSON, bad input and escaping paths', async () => {
    const s = await serve([
      {
        kind: 'tool-calls',
        calls: [
          flask,
          { name: 'set_env_var', arguments: { name: 'SECRET_KEY', value: 'abc' } },
          { name: 'run_shell', arguments: { cmd: 'rm -rf /' } },
          { name: 'set_env_var', arguments: '{"name": "X", ' },
          { name: 'add_package', arguments: { ecosystem: 'apt', name: 'curl' } },
          { name: 'write_file', arguments: { path: '../../home/u/.bashrc', content: 'x' } },
          { name: 'write_file', arguments: { path: 'config/app.ini', content: 'x' } },
        ],
      },
    ]);
    const result = await callWithTools(options(chainConfig([s.baseURL])));
    assert.deepEqual(
      result.calls.map((c) => [c.tool, c.input]),
      [
        ['add_package', { ecosystem: 'pip', name: 'flask' }],
        ['set_env_var', { name: 'SECRET_KEY', value: 'abc' }],
        ['write_file', { path: 'config/app.ini', content: 'x' }],
      ],
    );
    assert.deepEqual(
      result.refused.map((r) => [r.tool, r.reason.replace(/:.*/, '')]),
      [
        ['run_shell', 'unknown tool (known'],
        ['set_env_var', 'arguments are not valid JSON'],
        ['add_package', 'invalid input'],
        ['write_file', 'invalid input'],
      ],
    );
    assert.deepEqual(result.refused[0]?.input, { cmd: 'rm -rf /' });
    assert.match(result.refused[3]?.reason ?? '', /path: path must stay inside the repository/);
    assert.deepEqual(result.warnings, []);
  });

  it('a plain-text answer: no calls, the text, and a warning', async () => {
    const s = await serve([{ kind: 'text', text: 'I cannot help with that.' }]);
    const result = await callWithTools(options(chainConfig([s.baseURL])));
    assert.deepEqual([result.calls, result.refused], [[], []]);
    assert.equal(result.text, 'I cannot help with that.');
    assert.deepEqual(result.warnings, ['p0/m0 proposed no tool call']);
  });
});
