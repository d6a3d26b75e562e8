import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertPublicGitHost,
  gitUrlHost,
  isBlockedAddress,
  type ResolveAll,
} from './git-host-check.js';

/** A resolver that fails the test if called: literals must be refused before any lookup. */
const noLookup: ResolveAll = async (host) => {
  throw new Error(`looked up ${host}`);
};
const resolvesTo =
  (...addresses: string[]): ResolveAll =>
  async () =>
    addresses.map((address) => ({ address }));

describe('assertPublicGitHost: service-mode clones never reach the server’s own network', () => {
  const literals = [
    'https://127.0.0.1/org/repo.git',
    'http://127.5.6.7:8080/repo',
    'https://[::1]/repo.git',
    'https://10.1.2.3/repo.git',
    // The metadata address is named only to check it is refused before any lookup or
    // connection: no test probes it (a probe would be opt-in and off in tests).
    'http://169.254.169.254/latest/meta-data', // refused only; a probe would be opt-in
    'https://172.16.0.9/repo',
    'https://172.31.255.1/repo',
    'https://192.168.1.1/repo',
    'https://100.64.0.1/repo',
    'https://[fe80::1]/repo',
    'https://[fd00::1]/repo',
    'https://[::ffff:127.0.0.1]/repo',
    'https://0.0.0.0/repo',
    'git@10.0.0.5:org/repo.git',
    'ssh://git@192.168.0.2:2222/org/repo.git',
  ];
  for (const url of literals)
    it(`refuses ${url} without a lookup or a connection`, async () => {
      await assert.rejects(assertPublicGitHost(url, noLookup), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'BAD_INPUT');
        assert.match(err.message, /not a public address/);
        return true;
      });
    });

  it('refuses localhost, resolved by the system (from /etc/hosts, no traffic)', async () => {
    await assert.rejects(
      assertPublicGitHost('https://localhost/org/repo.git'),
      /resolves to (127\.|::1)/,
    );
  });

  it('refuses a name when any of its addresses is private (not just the first)', async () => {
    await assert.rejects(
      assertPublicGitHost('https://git.example.com/r.git', resolvesTo('93.184.216.34', '10.0.0.1')),
      /resolves to 10\.0\.0\.1/,
    );
  });

  it('accepts a name that resolves to public addresses only, and public literals', async () => {
    await assertPublicGitHost(
      'https://git.example.com/r.git',
      resolvesTo('93.184.216.34', '2606:2800:220:1::1'),
    );
    await assertPublicGitHost('https://93.184.216.34/r.git', noLookup);
  });

  it('leaves file URLs to the repos-roots check', async () => {
    await assertPublicGitHost('file:///srv/git/repo.git', noLookup);
    assert.equal(gitUrlHost('file:///srv/git/repo.git'), null);
  });

  it('a host that does not resolve is refused with its error code', async () => {
    const fails: ResolveAll = async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    };
    await assert.rejects(
      assertPublicGitHost('https://nowhere.invalid/r', fails),
      /does not resolve \(ENOTFOUND\)/,
    );
  });

  it('classifies addresses by range', () => {
    for (const a of [
      '127.0.0.1',
      '10.255.0.1',
      '172.20.1.1',
      '192.168.9.9',
      '169.254.1.1',
      '100.127.0.1',
      '::1',
      'fe80::abcd',
      'fc00::1',
    ])
      assert.equal(isBlockedAddress(a), true, a);
    for (const a of [
      '8.8.8.8',
      '172.32.0.1',
      '100.128.0.1',
      '192.169.0.1',
      '2001:db8::1',
      '11.0.0.1',
    ])
      assert.equal(isBlockedAddress(a), false, a);
  });
});
