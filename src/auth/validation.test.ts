import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RefusalError } from '../model/errors.js';
import {
  PASSWORD_MAX_LENGTH,
  passwordMinLengthFromEnv,
  validatePassword,
  validateRepoKey,
  validateTier,
  validateTokenName,
  validateTtlDays,
  validateUsername,
} from './validation.js';

/** True when `fn` returns, false when it throws a 400 RefusalError with a hint; rethrows anything else. */
function accepts(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    if (err instanceof RefusalError && err.code === 'BAD_INPUT' && err.status === 400 && err.hint)
      return false;
    throw err;
  }
}

const anything = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 150 }),
  fc.stringMatching(/^[A-Za-z0-9_.-]{0,70}$/),
  fc.anything(),
);

describe('validation (property: random input never throws anything but a typed 400)', () => {
  it('validateUsername accepts exactly 3-64 of [A-Za-z0-9_.-]', () => {
    fc.assert(
      fc.property(anything, (v) => {
        const valid = typeof v === 'string' && /^[A-Za-z0-9_.-]{3,64}$/.test(v);
        assert.equal(
          accepts(() => validateUsername(v)),
          valid,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('validatePassword accepts any string of min..128 code points, spaces and emoji included', () => {
    fc.assert(
      fc.property(anything, fc.integer({ min: 0, max: 128 }), (v, min) => {
        const length = typeof v === 'string' && !/\p{Surrogate}/u.test(v) ? [...v].length : -1;
        assert.equal(
          accepts(() => validatePassword(v, min)),
          length >= min && length <= PASSWORD_MAX_LENGTH,
        );
      }),
      { numRuns: 2000 },
    );
    assert.equal(
      validatePassword('🔑'.repeat(128), 12).length,
      256,
      '128 code points, 256 UTF-16 units',
    );
    assert.throws(() => validatePassword('x'.repeat(11), 12), /at least 12/);
    assert.throws(() => validatePassword('x'.repeat(129), 12), /at most 128/);
    assert.throws(() => validatePassword('\uD800 and twelve more', 12), /surrogate/);
  });

  it('validateTier, validateTokenName, validateTtlDays and validateRepoKey throw only typed errors', () => {
    fc.assert(
      fc.property(anything, (v) => {
        accepts(() => validateTier(v));
        accepts(() => validateTokenName(v));
        accepts(() => validateTtlDays(v, 365));
        accepts(() => validateRepoKey(v));
      }),
      { numRuns: 2000 },
    );
    assert.equal(validateTier('tester'), 'tester');
    assert.throws(() => validateTier('root'), /not a tier/);
    assert.equal(validateTokenName('  ci deploy '), 'ci deploy');
    assert.equal(validateTtlDays(365, 365), 365);
  });
});

describe('passwordMinLengthFromEnv', () => {
  it('defaults to 12, reads REPO_RUNNER_PASSWORD_MIN_LENGTH, and refuses values outside 8-128', () => {
    assert.equal(passwordMinLengthFromEnv({}), 12);
    assert.equal(passwordMinLengthFromEnv({ REPO_RUNNER_PASSWORD_MIN_LENGTH: ' 16 ' }), 16);
    for (const bad of ['7', '129', 'twelve', '12.5', '-12'])
      assert.throws(
        () => passwordMinLengthFromEnv({ REPO_RUNNER_PASSWORD_MIN_LENGTH: bad }),
        (e: unknown) =>
          e instanceof RefusalError && e.code === 'BAD_INPUT' && /8 to 128/.test(e.message),
      );
  });
});
