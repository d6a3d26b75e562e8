import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESTART_POLICY, startLimitHit } from './restart-policy.js';

describe('startLimitHit: systemd-like burst limit', () => {
  const p = RESTART_POLICY;
  it('allows 5 restarts within 60 s and refuses the 6th', () => {
    // A service that dies at once: restarts after 1, 2, 4, 8, 16 s of backoff.
    const times = [1000, 3000, 7000, 15_000, 31_000];
    for (let n = 0; n < times.length; n++)
      assert.equal(startLimitHit(times.slice(0, n), times[n]!, p), false, `restart ${n + 1}`);
    assert.equal(startLimitHit(times, 31_500, p), true);
  });
  it('forgets restarts older than the window: a crash a minute is not a crash loop', () => {
    const times = [0, 70_000, 140_000, 210_000, 280_000];
    assert.equal(startLimitHit(times, 350_000, p), false);
  });
});
