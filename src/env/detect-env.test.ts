import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { EnvFactsSchema } from '../model/env-facts.js';
import { detectEnv } from './detect-env.js';

describe('detectEnv', () => {
  it('reads signals from a fake root and tools from the given PATH', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'rr-env-root-'));
    try {
      const bin = path.join(root, 'bin');
      await mkdir(path.join(root, 'etc'), { recursive: true });
      await mkdir(bin);
      await writeFile(path.join(root, '.dockerenv'), '');
      await writeFile(path.join(root, 'etc/os-release'), 'PRETTY_NAME="Fake OS 1.0"\n');
      await writeFile(path.join(bin, 'python3'), '#!/bin/sh\necho "Python 3.12.1"\n');
      await chmod(path.join(bin, 'python3'), 0o755);

      const { facts, warnings } = await detectEnv({ root, env: { PATH: bin } });
      assert.equal(facts.environment, 'docker');
      assert.deepEqual(facts.environmentEvidence, ['file /.dockerenv']);
      assert.equal(facts.os.distro, 'Fake OS 1.0');
      assert.deepEqual(facts.toolchains, [
        { name: 'python3', path: path.join(bin, 'python3'), version: '3.12.1' },
      ]);
      assert.deepEqual(facts.gpus, []);
      assert.deepEqual(warnings, []);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('rejects when aborted', async () => {
    await assert.rejects(detectEnv({ env: { PATH: '' }, signal: AbortSignal.abort() }), {
      name: 'AbortError',
    });
  });

  it('finds this node on the real host', async () => {
    const started = performance.now();
    const { facts } = await detectEnv();
    const ms = Math.round(performance.now() - started);
    console.log(`detectEnv() on this host: ${ms} ms, ${facts.toolchains.length} toolchains`);
    EnvFactsSchema.parse(facts);
    const node = facts.toolchains.find((tool) => tool.name === 'node');
    assert.equal(node?.version, process.versions.node);
    assert.ok(facts.cpus >= 1);
  });
});
