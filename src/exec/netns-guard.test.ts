import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { BLOCKED_RANGES, guardRuleset, hostLocalBlocks } from './netns-guard.js';

test('the ruleset drops every blocked range, lets loopback and DNS to the forwarder through', () => {
  const rules = guardRuleset({ dnsForward: '169.254.1.53', extraBlocked: ['192.0.2.2/32'] });
  for (const c of BLOCKED_RANGES) {
    assert.ok(rules.includes(`${c.includes(':') ? 'ip6' : 'ip'} daddr ${c} drop`), c);
  }
  assert.ok(rules.includes('ip daddr 192.0.2.2/32 drop'));
  // Order matters: the accepts must come before the drop of 169.254.0.0/16.
  const accept = rules.indexOf('ip daddr 169.254.1.53 udp dport 53 accept');
  assert.ok(accept > rules.indexOf('oif "lo" accept'));
  assert.ok(accept < rules.indexOf('ip daddr 169.254.0.0/16 drop'));
});

test('without a forwarder no DNS exception is made', () => {
  assert.doesNotMatch(guardRuleset({ dnsForward: null, extraBlocked: [] }), /dport 53/);
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
