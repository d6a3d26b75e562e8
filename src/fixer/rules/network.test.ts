import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyLog } from '../failures.test-kit.js';

test("npm's ENOTFOUND block is network-unreachable with the registry host", () => {
  const sig = classifyLog(
    `npm error code ENOTFOUND
npm error syscall getaddrinfo
npm error errno ENOTFOUND
npm error network request to https://registry.npmjs.org/express failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org
npm error network This is a problem related to network connectivity.
npm error network In most cases you are behind a proxy or have bad network settings.
npm error network
npm error network If you are behind a proxy, please make sure that the
npm error network 'proxy' config is set properly.  See: 'npm help config'`,
    'dependencies',
  );
  assert.equal(sig.class, 'network-unreachable');
  assert.deepEqual(sig.details, { host: 'registry.npmjs.org' });
  assert.equal(sig.fixable, false);
});

test('node: getaddrinfo EAI_AGAIN', () => {
  const sig = classifyLog(
    'FetchError: request to https://api.github.com/repos failed, reason: getaddrinfo EAI_AGAIN api.github.com',
  );
  assert.equal(sig.class, 'network-unreachable');
  assert.deepEqual(sig.details, { code: 'EAI_AGAIN', host: 'api.github.com' });
});

test('pip: Could not fetch URL', () => {
  const sig = classifyLog(
    "Could not fetch URL https://pypi.org/simple/flask/: There was a problem confirming the ssl certificate: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded - skipping",
    'dependencies',
  );
  assert.equal(sig.class, 'network-unreachable');
  assert.deepEqual(sig.details, { host: 'pypi.org' });
});

test('git: Could not resolve host', () => {
  const sig = classifyLog(
    "fatal: unable to access 'https://github.com/acme/app.git/': Could not resolve host: github.com",
    'fetch',
  );
  assert.equal(sig.class, 'network-unreachable');
  assert.deepEqual(sig.details, { host: 'github.com' });
});
