import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { BLOCKED_RANGES, guardRuleset, hostLocalBlocks } from './netns-guard.js';

test('the ruleset rejects every blocked range, lets loopback and DNS to the resolver through', () => {
  const rules = guardRuleset({ resolver: '10.255.255.53', extraBlocked: ['192.0.2.2/32'] });
  for (const c of BLOCKED_RANGES) {
    assert.ok(rules.includes(`${c.includes(':') ? 'ip6' : 'ip'} daddr ${c} counter reject`), c);
  }
  assert.ok(rules.includes('ip daddr 192.0.2.2/32 counter reject'));
  // Order matters: the accepts must come before the rejects.
  const accept = rules.indexOf('ip daddr 10.255.255.53 udp dport 53 accept');
  assert.ok(rules.includes('ip daddr 10.255.255.53 tcp dport 53 accept'));
  assert.ok(accept > rules.indexOf('oif "lo" accept'));
  assert.ok(accept < rules.indexOf('ip daddr 10.0.0.0/8 counter reject'));
});

test('without a resolver no DNS exception is made', () => {
  assert.doesNotMatch(guardRuleset({ resolver: null, extraBlocked: [] }), /dport 53/);
});

test("the host's own addresses and subnets are blocked, as networks nft accepts", () => {
  const blocks = hostLocalBlocks();
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      assert.ok(blocks.includes(`${a.address}/${a.family === 'IPv4' ? 32 : 128}`), a.address);
    }
  }
  for (const b of blocks.filter((c) => !c.includes(':'))) {
    const [addr = '', len = '32'] = b.split('/');
    const n = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const hostBits = 2 ** (32 - Number(len));
    assert.equal(n % hostBits, 0, `${b} has host bits set`);
  }
});
