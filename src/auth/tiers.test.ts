import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTierName, PERMISSIONS, TIER_NAMES, TIERS, tierGrants } from './tiers.js';
import type { Permission, TierName } from './types.js';

describe('tiers (ARCHITECTURE.md §3)', () => {
  it('has the table of §3', () => {
    const rows = TIER_NAMES.map((t) => {
      const s = TIERS[t];
      return [t, s.index, s.gpu, s.requestsPerHour, s.maxRepos, s.adminAgent, s.support];
    });
    assert.deepEqual(rows, [
      ['free', 'simple', 'none', 10, 3, false, 'community'],
      ['advanced', 'faiss', 'small', 50, 10, false, 'email'],
      ['premium', 'chroma', 'large', 200, 100, false, 'priority'],
      ['tester', 'faiss', 'medium', 100, 50, false, 'internal'],
      ['admin', 'chroma', 'large', 1000, 1000, false, 'admin'],
      ['developer', 'chroma', 'large', 10000, 10000, true, 'developer'],
    ]);
  });

  it('grants the authorization matrix of §3', () => {
    const who = (p: Permission): TierName[] => TIER_NAMES.filter((t) => tierGrants(t, p));
    const all = [...TIER_NAMES];
    assert.deepEqual(who('runs'), all);
    assert.deepEqual(who('search:simple'), all);
    assert.deepEqual(
      who('search:faiss'),
      all.filter((t) => t !== 'free'),
    );
    assert.deepEqual(who('search:chroma'), ['premium', 'admin', 'developer']);
    assert.deepEqual(
      who('gpu'),
      all.filter((t) => t !== 'free'),
    );
    assert.deepEqual(who('users:manage'), ['admin', 'developer']);
    assert.deepEqual(who('runs:all'), ['tester', 'admin', 'developer']);
    assert.deepEqual(who('audit:read'), ['tester', 'admin', 'developer']);
    assert.deepEqual(who('admin-agent'), ['developer']);
  });

  it('gives tester every admin privilege except user management (and its FAISS index, not Chroma)', () => {
    const expected = TIERS.admin.permissions.filter(
      (p) => p !== 'users:manage' && p !== 'search:chroma',
    );
    assert.deepEqual([...TIERS.tester.permissions].sort(), [...expected].sort());
  });

  it('agrees with itself: Admin Agent flag and permission, index and search permission, GPU and gpu', () => {
    for (const t of TIER_NAMES) {
      const s = TIERS[t];
      assert.equal(s.adminAgent, tierGrants(t, 'admin-agent'), t);
      assert.ok(tierGrants(t, `search:${s.index}`), t);
      assert.equal(s.gpu !== 'none', tierGrants(t, 'gpu'), t);
      assert.ok(
        s.permissions.every((p) => (PERMISSIONS as readonly string[]).includes(p)),
        t,
      );
    }
    assert.equal(isTierName('tester'), true);
    assert.equal(isTierName('root'), false);
    assert.equal(isTierName(undefined), false);
  });
});
