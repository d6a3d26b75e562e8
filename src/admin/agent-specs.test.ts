import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../model/store.js';
import { tempDir } from '../../test/helpers.js';
import {
  agentHistory,
  createAgent,
  parseAgentSpec,
  rollbackAgent,
  setAgentEnabled,
} from './agent-specs.js';
import { ADMIN_AGENT_STATE_FILE } from './state-file.js';

const SMOKE = `
name: SmokeCheck
phase: health
commands:
  - argv: [node, -e, "fetch(process.env.REPO_RUNNER_SERVICE_URL).then(r => process.exit(r.ok ? 0 : 1))"]
reads: [health]
`;

/** The message of what `f` throws, asserting it is a BAD_INPUT refusal. */
function badInput(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    assert.equal((err as { code?: string }).code, 'BAD_INPUT', String(err));
    return (err as Error).message;
  }
  assert.fail('no error');
}

describe('agent specs: parsing and vetting', () => {
  it('reads YAML and JSON alike, with defaults filled', () => {
    const y = parseAgentSpec(SMOKE);
    assert.equal(y.kind, 'agent');
    assert.equal(y.position, 'after');
    assert.equal(y.timeoutMs, 300_000);
    assert.deepEqual(y.orchestrators, ['*']);
    assert.deepEqual(y.reads, ['health']);
    const j = parseAgentSpec(
      JSON.stringify({
        name: 'Seed',
        phase: 'database',
        commands: [{ argv: ['python', 'seed.py'] }],
      }),
    );
    assert.equal(j.phase, 'database');
  });

  it('names the field and the reason of each problem', () => {
    assert.match(
      badInput(() => parseAgentSpec('name: [unclosed')),
      /not valid YAML or JSON/,
    );
    assert.match(
      badInput(() => parseAgentSpec('name: x\nphase: health\ncommands: [{argv: [node]}]')),
      /^.*name: a letter/,
    );
    assert.match(
      badInput(() => parseAgentSpec('name: Ok\nphase: deploy\ncommands: [{argv: [node]}]')),
      /phase: /,
    );
    assert.match(
      badInput(() => parseAgentSpec('name: Ok\nphase: fix\ncommands: [{argv: [node]}]')),
      /phase: /,
    );
    assert.match(
      badInput(() => parseAgentSpec('name: Ok\nphase: health')),
      /commands: give exactly one of/,
    );
    assert.match(
      badInput(() =>
        parseAgentSpec(
          'name: Ok\nphase: health\ncommands: [{argv: [node]}]\nprompt: {text: hi, tools: [read-file]}',
        ),
      ),
      /prompt: give exactly one of/,
    );
    assert.match(
      badInput(() => parseAgentSpec('name: Ok\nphase: health\nprompt: {text: hi, tools: [rm-rf]}')),
      /prompt\.tools\.0/,
    );
    assert.match(
      badInput(() =>
        parseAgentSpec('name: Ok\nphase: health\nreads: [secrets]\ncommands: [{argv: [node]}]'),
      ),
      /reads\.0/,
    );
  });

  it('refuses what would leave the sandbox: capabilities, host network, programs and paths outside the repository', () => {
    const cap = badInput(() =>
      parseAgentSpec(
        'name: Ok\nphase: health\ncapabilities: [CAP_NET_ADMIN]\ncommands: [{argv: [node]}]',
      ),
    );
    assert.match(cap, /capabilities/);
    assert.match(
      badInput(() =>
        parseAgentSpec('name: Ok\nphase: health\nnetwork: host\ncommands: [{argv: [node]}]'),
      ),
      /network/,
    );
    assert.match(
      badInput(() =>
        parseAgentSpec('name: Ok\nphase: start\ncommands: [{argv: [bash, -c, "curl x"]}]'),
      ),
      /commands\.0\.argv\.0: bash is not a toolchain program/,
    );
    assert.match(
      badInput(() => parseAgentSpec('name: Ok\nphase: start\ncommands: [{argv: [sudo, node]}]')),
      /sudo is not a toolchain program/,
    );
    assert.match(
      badInput(() => parseAgentSpec('name: Ok\nphase: start\ncommands: [{argv: [/usr/bin/node]}]')),
      /not inside the repository/,
    );
    assert.match(
      badInput(() => parseAgentSpec('name: Ok\nphase: start\ncommands: [{argv: [../../bin/x]}]')),
      /not inside the repository/,
    );
    assert.match(
      badInput(() =>
        parseAgentSpec('name: Ok\nphase: start\ncommands: [{argv: [python, /etc/passwd]}]'),
      ),
      /argv\.1: \/etc\/passwd names an absolute path/,
    );
    assert.match(
      badInput(() =>
        parseAgentSpec('name: Ok\nphase: start\ncommands: [{argv: [python, --out=/tmp/x]}]'),
      ),
      /absolute path/,
    );
    assert.match(
      badInput(() =>
        parseAgentSpec('name: Ok\nphase: start\ncommands: [{argv: [python, ../../x.py]}]'),
      ),
      /leaves the repository/,
    );
    assert.match(
      badInput(() =>
        parseAgentSpec('name: Ok\nphase: start\ncommands: [{argv: [node], cwd: ../up}]'),
      ),
      /cwd/,
    );
    // A file of the repository is fine.
    assert.equal(
      parseAgentSpec('name: Ok\nphase: start\ncommands: [{argv: [./scripts/seed.sh, --rows=3]}]')
        .name,
      'Ok',
    );
  });
});

describe('agent specs: versions, enable, roll back', () => {
  let store: Store;
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(async () => {
    tmp = tempDir('admin-specs');
    store = await openSqliteStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
    tmp.cleanup();
  });

  it('create, refuse a taken name, replace, disable, roll back: each a version and a checkpoint line', async () => {
    const actor = { user: 'dev', home: tmp.dir };
    const spec = parseAgentSpec(SMOKE);
    const v1 = await createAgent(store, actor, spec);
    assert.deepEqual([v1.version, v1.enabled, v1.change], [1, true, 'create']);
    await assert.rejects(createAgent(store, actor, spec), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'CONFLICT');
      assert.match(e.message, /an agent named SmokeCheck exists \(version 1\)/);
      return true;
    });
    const v2 = await createAgent(store, actor, { ...spec, timeoutMs: 5000 }, true);
    assert.deepEqual([v2.version, v2.change, v2.spec.timeoutMs], [2, 'update', 5000]);
    const v3 = await setAgentEnabled(store, actor, 'SmokeCheck', false);
    assert.deepEqual([v3.version, v3.enabled, v3.spec.timeoutMs], [3, false, 5000]);
    // Already disabled: no new version.
    assert.equal((await setAgentEnabled(store, actor, 'SmokeCheck', false)).version, 3);
    const v4 = await rollbackAgent(store, actor, 'SmokeCheck', 1);
    assert.deepEqual(
      [v4.version, v4.enabled, v4.change, v4.fromVersion, v4.spec.timeoutMs],
      [4, true, 'rollback', 1, 300_000],
    );
    assert.equal((await agentHistory(store, 'SmokeCheck')).length, 4);
    await assert.rejects(
      rollbackAgent(store, actor, 'SmokeCheck', 9),
      /has no version 9 \(it has 1–4\)/,
    );
    await assert.rejects(
      setAgentEnabled(store, actor, 'Nope', true),
      /there is no agent named Nope/,
    );
    await assert.rejects(
      agentHistory(store, 'Nope'),
      (e: Error & { code?: string }) => e.code === 'NOT_FOUND',
    );
    const lines = readFileSync(path.join(tmp.dir, ADMIN_AGENT_STATE_FILE), 'utf8')
      .trim()
      .split('\n');
    assert.deepEqual(
      lines
        .map((l) => JSON.parse(l) as { action: string; version: number; by: string })
        .map((e) => [e.action, e.version, e.by]),
      [
        ['create', 1, 'dev'],
        ['update', 2, 'dev'],
        ['disable', 3, 'dev'],
        ['rollback', 4, 'dev'],
      ],
    );
  });
});
