import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMON_SERVICE_HOSTS, hostsFileText, resolvConfText } from './run-hosts.js';

test('service names map to 127.0.0.1 only; localhost to both loopbacks', () => {
  const text = hostsFileText(['db', 'redis', 'db', 'web-1']);
  assert.equal(
    text,
    '127.0.0.1\tlocalhost db redis web-1\n::1\tlocalhost ip6-localhost ip6-loopback\n',
  );
});

test('a name that is not a host name cannot add a line or an address', () => {
  const text = hostsFileText(['ok', 'evil\n10.0.0.1 registry.npmjs.org', 'a b', '-x', '']);
  assert.equal(text.split('\n').length, 3);
  assert.match(text, /^127\.0\.0\.1\tlocalhost ok\n/);
  assert.doesNotMatch(text, /10\.0\.0\.1|registry/);
});

test('the common service names are all valid host names', () => {
  const text = hostsFileText([...COMMON_SERVICE_HOSTS]);
  for (const n of COMMON_SERVICE_HOSTS) assert.match(text, new RegExp(`\\s${n}(\\s|$)`));
});

test('resolv.conf names only the resolver', () => {
  const lines = resolvConfText('10.255.255.53').split('\n');
  assert.deepEqual(
    lines.filter((l) => l.startsWith('nameserver')),
    ['nameserver 10.255.255.53'],
  );
});
