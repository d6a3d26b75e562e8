import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { delayAfter, THROTTLE_DEFAULTS } from './login-throttle.js';

describe('login throttle delays', () => {
  it('are free for the first attempts, then double from 1 s up to 15 min', () => {
    const p = THROTTLE_DEFAULTS;
    assert.deepEqual(
      [1, 5, 6, 7, 8, 15, 16, 100, 1e9].map((n) => delayAfter(n, 5, p)),
      [0, 0, 1000, 2000, 4000, 512_000, 900_000, 900_000, 900_000],
    );
  });
});
