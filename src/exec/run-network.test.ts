import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { relayArgv } from './netns-processes.js';
import { hostResolver } from './run-hosts.js';
import { runNetworkName } from './run-network.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-resolv-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

test("the host's first resolver off its loopback is the run's", () => {
  const two = file('a', 'nameserver 10.255.255.53\nnameserver 192.0.2.53\n');
  assert.equal(hostResolver([two]), '10.255.255.53');
});

test("systemd-resolved's loopback stub is replaced by its upstream", () => {
  const stub = file('stub', 'nameserver 127.0.0.53\noptions edns0\n');
  const up = file('up', '# upstream\nnameserver 192.0.2.53\nnameserver 198.51.100.53\n');
  assert.equal(hostResolver([stub, up]), '192.0.2.53');
  assert.equal(hostResolver([stub, path.join(dir, 'missing')]), null);
});

test('netns names are short and safe whatever the run id', () => {
  assert.equal(runNetworkName('20261121-231851-8692'), 'rr-20261121-231851-8692');
  assert.match(runNetworkName('../../etc x'), /^rr-[0-9a-f]{16}$/);
  assert.notEqual(runNetworkName('a b'), runNetworkName('a c'));
});

test('the relay runs from source under tsx (and from dist as plain node)', () => {
  const argv = relayArgv('/run/x.sock');
  assert.equal(argv[0], process.execPath);
  assert.match(argv.at(-2) ?? '', /ns-relay\.ts$/);
  assert.ok(argv.includes('--import'));
  assert.equal(argv.at(-1), '/run/x.sock');
});
