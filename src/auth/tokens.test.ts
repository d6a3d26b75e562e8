import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWellFormedToken, newId, newToken, tokenHash } from './tokens.js';

describe('tokens', () => {
  it('are rr_ and 256 random bits in base64url, distinct, stored as hex SHA-256', () => {
    const tokens = new Set(Array.from({ length: 1000 }, newToken));
    assert.equal(tokens.size, 1000);
    for (const t of tokens) {
      assert.match(t, /^rr_[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(t.slice(3), 'base64url').length, 32);
      assert.ok(isWellFormedToken(t));
    }
    assert.equal(
      tokenHash('abc'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    assert.match(tokenHash(newToken()), /^[0-9a-f]{64}$/);
    for (const bad of [
      '',
      'rr_',
      `rr_${'a'.repeat(42)}`,
      `rr_${'a'.repeat(44)}`,
      `xx_${'a'.repeat(43)}`,
      `rr_${'a'.repeat(42)}=`,
      42,
      null,
    ])
      assert.equal(isWellFormedToken(bad), false, String(bad));
    assert.match(newId(), /^[A-Za-z0-9_-]{22}$/);
  });
});
