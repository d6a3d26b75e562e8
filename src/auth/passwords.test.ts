import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createArgon2Hasher, OWASP_ARGON2ID } from './passwords.js';
import { TEST_ARGON2 } from './auth.test-kit.js';

describe('argon2id password hasher', () => {
  it('defaults to the OWASP parameters (m=19456 KiB, t=2, p=1)', async () => {
    assert.deepEqual({ ...OWASP_ARGON2ID }, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const hasher = createArgon2Hasher();
    const encoded = await hasher.hash('correct horse battery staple');
    assert.match(
      encoded,
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
    assert.equal(await hasher.verify(encoded, 'correct horse battery staple'), true);
    assert.equal(hasher.needsRehash(encoded), false);
  });

  it('salts each hash, verifies only the right password, and never throws on a bad hash', async () => {
    const hasher = createArgon2Hasher(TEST_ARGON2);
    const a = await hasher.hash('pässwörd with spaces 🔑');
    const b = await hasher.hash('pässwörd with spaces 🔑');
    assert.notEqual(a, b);
    assert.equal(await hasher.verify(a, 'pässwörd with spaces 🔑'), true);
    assert.equal(await hasher.verify(a, 'pässwörd with spaces'), false);
    assert.equal(await hasher.verify('not a hash', 'x'), false);
    assert.equal(await hasher.verify('', ''), false);
  });

  it('verifies unknown users against a dummy hash of the same cost', async () => {
    const hasher = createArgon2Hasher(TEST_ARGON2);
    assert.equal(await hasher.verifyDummy('anything at all'), false);
    assert.equal(await hasher.verifyDummy('repo-runner dummy password, matches nothing'), false);
  });

  it('flags hashes made with other parameters for rehashing', async () => {
    const cheap = await createArgon2Hasher(TEST_ARGON2).hash('x'.repeat(12));
    assert.equal(createArgon2Hasher().needsRehash(cheap), true);
    assert.equal(createArgon2Hasher(TEST_ARGON2).needsRehash(cheap), false);
  });
});
