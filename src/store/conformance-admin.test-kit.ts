import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentSpecSchema } from '../model/agent-spec.js';
import type { Store } from '../model/store.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The Admin Agent's part of the store conformance suite (issue #14): versioned agent specs
 * and business orchestrators. Called from `storeConformance` with the store of each test.
 */
export function adminConformance(current: () => Store): void {
  describe('agent specs', () => {
    const spec = (name: string, phase = 'health') =>
      AgentSpecSchema.parse({ name, phase, commands: [{ argv: ['node', '-e', '1'] }] });

    it('saves numbered versions, lists the latest of each name, never edits one', async () => {
      assert.deepEqual(await current().latestAgentSpecs(), []);
      const v1 = await current().saveAgentSpec({
        spec: spec('Smoke'),
        enabled: true,
        change: 'create',
        createdBy: 'dev',
      });
      assert.equal(v1.version, 1);
      assert.match(v1.createdAt, ISO);
      await current().saveAgentSpec({
        spec: spec('Seed', 'database'),
        enabled: true,
        change: 'create',
      });
      const v2 = await current().saveAgentSpec({
        spec: spec('Smoke'),
        enabled: false,
        change: 'disable',
      });
      assert.equal(v2.version, 2);
      const latest = await current().latestAgentSpecs();
      assert.deepEqual(
        latest.map((v) => [v.name, v.version, v.enabled]),
        [
          ['Seed', 1, true],
          ['Smoke', 2, false],
        ],
      );
      const history = await current().agentSpecVersions('Smoke');
      assert.deepEqual(
        history.map((v) => [v.version, v.change, v.enabled, v.createdBy]),
        [
          [1, 'create', true, 'dev'],
          [2, 'disable', false, null],
        ],
      );
      assert.equal(history[0]?.spec.position, 'after');
      assert.deepEqual(history[0]?.spec.commands?.[0]?.argv, ['node', '-e', '1']);
      assert.deepEqual(await current().agentSpecVersions('Nobody'), []);
    });

    it('two saves racing for one version: one wins, the other is a CONFLICT', async () => {
      await current().saveAgentSpec({ spec: spec('Race'), enabled: true, change: 'create' });
      const results = await Promise.allSettled(
        [1, 2, 3].map(() =>
          current().saveAgentSpec({ spec: spec('Race'), enabled: true, change: 'update' }),
        ),
      );
      const versions = (await current().agentSpecVersions('Race')).map((v) => v.version);
      assert.deepEqual(
        versions,
        [...new Set(versions)].sort((a, b) => a - b),
      );
      for (const r of results)
        if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'CONFLICT');
      assert.equal(versions.length, 1 + results.filter((r) => r.status === 'fulfilled').length);
    });
  });

  describe('business orchestrators', () => {
    it('creates once per name, reads back, lists by name', async () => {
      const o = (name: string) => ({
        name,
        profile: { allowedEcosystems: ['node'], maxFixes: 2 },
        userId: name === 'acme' ? 'u-acme' : null,
        createdBy: null,
        createdAt: new Date().toISOString(),
      });
      assert.equal(await current().createOrchestrator(o('zeta')), true);
      assert.equal(await current().createOrchestrator(o('acme')), true);
      assert.equal(await current().createOrchestrator({ ...o('acme'), profile: {} }), false);
      assert.deepEqual((await current().getOrchestrator('acme'))?.profile, {
        allowedEcosystems: ['node'],
        maxFixes: 2,
      });
      assert.equal(await current().getOrchestrator('nope'), undefined);
      assert.equal((await current().orchestratorOfUser('u-acme'))?.name, 'acme');
      assert.equal(await current().orchestratorOfUser('u-other'), undefined);
      assert.deepEqual(
        (await current().listOrchestrators()).map((x) => x.name),
        ['acme', 'zeta'],
      );
    });
  });
}
