import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { costUsd, estimateTokens } from './cost.js';
import { sampleTools } from './models.test-kit.js';
import { checkToolCall, toSdkTools, type RawToolCall } from './tool-calls.js';

const tools = sampleTools('/work/repo');
const call = (toolName: string, input: unknown, invalid?: boolean): RawToolCall => ({
  toolCallId: 'c1',
  toolName,
  input,
  ...(invalid ? { invalid } : {}),
});
const reason = (c: RawToolCall): string => {
  const r = checkToolCall(c, tools);
  assert.equal(r.ok, false);
  return r.ok ? '' : r.refused.reason;
};

describe('checkToolCall', () => {
  it('accepts a valid call and returns the parsed input', () => {
    const r = checkToolCall(call('add_package', { ecosystem: 'pip', name: 'flask' }), tools);
    assert.deepEqual(r, {
      ok: true,
      call: { tool: 'add_package', input: { ecosystem: 'pip', name: 'flask' }, id: 'c1' },
    });
  });

  it('refuses unknown tools, inherited names included', () => {
    assert.match(
      reason(call('rm_rf', {})),
      /^unknown tool \(known: set_env_var, add_package, write_file\)$/,
    );
    assert.match(reason(call('constructor', {})), /^unknown tool/);
    assert.match(reason(call('__proto__', {})), /^unknown tool/);
  });

  it('refuses arguments that were not JSON, and inputs that fail the schema', () => {
    assert.equal(reason(call('set_env_var', '{"name": ', true)), 'arguments are not valid JSON');
    assert.match(
      reason(call('set_env_var', { name: 'lower', value: 'x' })),
      /^invalid input: name: /,
    );
    assert.match(
      reason(call('add_package', { ecosystem: 'cargo', name: 'x' })),
      /ecosystem: Invalid option/,
    );
    assert.match(
      reason(call('add_package', { ecosystem: 'npm', name: 'x', run: 'sh' })),
      /Unrecognized key: "run"/,
    );
  });

  it('refuses paths outside the root through the schema refinement', () => {
    for (const p of ['../outside.txt', '/etc/passwd', 'a/../../b', '.']) {
      assert.match(
        reason(call('write_file', { path: p, content: '' })),
        /path: path must stay inside/,
        p,
      );
    }
    assert.equal(
      checkToolCall(call('write_file', { path: 'src/a.py', content: '' }), tools).ok,
      true,
    );
  });

  it('refuses, without throwing, when a refinement itself throws', () => {
    const throwing = {
      odd: {
        description: 'x',
        inputSchema: z.object({ a: z.string() }).refine(() => {
          throw new Error('refinement bug');
        }),
      },
    };
    const r = checkToolCall(call('odd', { a: 'x' }), throwing);
    assert.deepEqual(r.ok ? null : r.refused.reason, 'validation failed: refinement bug');
  });
});

describe('toSdkTools', () => {
  it('gives every tool a JSON schema from zod and no execute', async () => {
    const warnings: string[] = [];
    const sdk = toSdkTools(tools, warnings);
    assert.deepEqual(Object.keys(sdk), ['set_env_var', 'add_package', 'write_file']);
    assert.deepEqual(warnings, []);
    const addPackage = sdk.add_package;
    assert.equal(addPackage?.execute, undefined);
    const schema = await (addPackage?.inputSchema as { jsonSchema: unknown }).jsonSchema;
    assert.deepEqual(schema, {
      type: 'object',
      properties: {
        ecosystem: { type: 'string', enum: ['pip', 'npm'] },
        name: { type: 'string', minLength: 1 },
        version: { type: 'string' },
      },
      required: ['ecosystem', 'name'],
      additionalProperties: false,
    });
  });

  it('leaves out, with a warning, a bad name or a schema with no JSON form', () => {
    const warnings: string[] = [];
    const sdk = toSdkTools(
      {
        'has space': { description: 'x', inputSchema: z.object({}) },
        odd: { description: 'x', inputSchema: z.custom<string>(() => true) },
        ok: { description: 'x', inputSchema: z.object({}) },
      },
      warnings,
    );
    assert.deepEqual(Object.keys(sdk), ['ok']);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0] ?? '', /tool "has space" left out/);
    assert.match(warnings[1] ?? '', /tool "odd" left out: its schema has no JSON Schema form/);
  });
});

describe('cost', () => {
  it('estimates tokens as characters / 4, rounded up', () => {
    assert.equal(estimateTokens(''), 0);
    assert.equal(estimateTokens('abcde'), 2);
    assert.equal(estimateTokens(4000), 1000);
  });

  it('prices per 1000 tokens, rounded to a millionth of a dollar', () => {
    assert.equal(costUsd({ costPer1kInput: 0.5, costPer1kOutput: 1.5 }, 1000, 200), 0.8);
    assert.equal(costUsd({ costPer1kInput: 0.0001, costPer1kOutput: 0 }, 3, 0), 0);
    assert.equal(costUsd({ costPer1kInput: 0.15, costPer1kOutput: 0.6 }, 1234, 567), 0.5253);
  });
});
