import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunLimits } from '../model/run-limits.js';
import { runLimitsFor, TIER_LIMITS } from './tier-limits.js';
import { TIER_NAMES, TIERS } from './tiers.js';

const FIELDS: (keyof RunLimits)[] = [
  'memoryBytes',
  'pids',
  'cpuShares',
  'diskBytes',
  'logBytes',
  'stepTimeoutMs',
];

describe('run limits per tier', () => {
  it('are in the tier table, free smallest and developer largest in every limit', () => {
    for (const t of TIER_NAMES) {
      assert.equal(TIERS[t].limits, TIER_LIMITS[t], t);
      for (const f of FIELDS) {
        assert.ok(Number.isInteger(TIERS[t].limits[f]) && TIERS[t].limits[f] > 0, `${t}.${f}`);
        assert.ok(TIER_LIMITS.free[f] <= TIER_LIMITS[t][f], `free.${f} > ${t}.${f}`);
        assert.ok(TIER_LIMITS.developer[f] >= TIER_LIMITS[t][f], `developer.${f} < ${t}.${f}`);
      }
    }
    assert.equal(TIER_LIMITS.free.memoryBytes, 512 * 1024 * 1024);
    assert.equal(TIER_LIMITS.free.pids, 256);
    assert.equal(TIER_LIMITS.free.stepTimeoutMs, 15 * 60_000);
  });

  it('give the local CLI the developer limits, with flags overriding one number each', () => {
    assert.deepEqual(runLimitsFor(null), TIER_LIMITS.developer);
    assert.deepEqual(runLimitsFor('free'), TIER_LIMITS.free);
    const mine = runLimitsFor(null, { memoryBytes: 1024 });
    assert.equal(mine.memoryBytes, 1024);
    assert.equal(mine.pids, TIER_LIMITS.developer.pids);
    assert.notEqual(TIER_LIMITS.developer.memoryBytes, 1024, 'the table is not changed');
  });
});
