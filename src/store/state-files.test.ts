import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { agentStateFile, managerStateFile, runStateFile, writeJsonAtomic } from './state-files.js';

describe('writeJsonAtomic', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rr-state-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes pretty, valid JSON ending in a newline', () => {
    const file = path.join(dir, 'run_state.json');
    const data = { runId: 'r1', ports: { web: 5001 }, services: [{ name: 'web', pid: null }] };
    writeJsonAtomic(file, data);
    const text = readFileSync(file, 'utf8');
    assert.deepEqual(JSON.parse(text), data);
    assert.ok(text.endsWith('}\n'));
    assert.ok(text.includes('\n  "runId": "r1"'), 'indented by two spaces');
  });

  it('leaves no temp file behind', () => {
    for (let i = 0; i < 5; i++) writeJsonAtomic(path.join(dir, `f${i}.json`), { i });
    assert.deepEqual(readdirSync(dir).sort(), [
      'f0.json',
      'f1.json',
      'f2.json',
      'f3.json',
      'f4.json',
    ]);
  });

  it('replaces an existing file, even a longer one, completely', () => {
    const file = path.join(dir, 'state.json');
    writeFileSync(file, JSON.stringify({ long: 'x'.repeat(10_000) }));
    writeJsonAtomic(file, { short: true });
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { short: true });
    writeJsonAtomic(file, [1, 2, 3]);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), [1, 2, 3]);
    assert.deepEqual(readdirSync(dir), ['state.json']);
  });

  it('creates missing folders', () => {
    const file = path.join(dir, 'runs', 'r1', 'agent_state_X.json');
    writeJsonAtomic(file, null);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')), null);
  });

  it('throws, and leaves the old file intact, when the value cannot be serialized', () => {
    const file = path.join(dir, 'state.json');
    writeJsonAtomic(file, { ok: 1 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => writeJsonAtomic(file, cyclic), TypeError);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { ok: 1 });
    assert.deepEqual(readdirSync(dir), ['state.json'], 'no temp file left by the failed write');
  });
});

describe('state file names', () => {
  it('follow the seeds: agent_state_<name>.json, manager_state_<name>.json, run_state.json', () => {
    assert.equal(agentStateFile('/d', 'FileAgent'), '/d/agent_state_FileAgent.json');
    assert.equal(managerStateFile('/d', 'PortManager'), '/d/manager_state_PortManager.json');
    assert.equal(runStateFile('/d'), '/d/run_state.json');
  });
});
