import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  NODE_BINARY_PACKAGE,
  nodeSpec,
  npmMajorFor,
  npmSpec,
  provisionedNodeFor,
  provisionedNodeVersions,
} from './node-runtime.js';
import { toolBinDir } from './provisioned-tools.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'rr-node-runtime-'));
after(() => rmSync(home, { recursive: true, force: true }));

/** Lays out a provisioned tool as provisionTool leaves it: its command in the prefix's .bin. */
function provisioned(spec: { name: string; npmPackage: string; version: string }) {
  const bin = toolBinDir(home, spec);
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, spec.name), '');
}

test('npmMajorFor: the newest npm whose engines take that Node', () => {
  assert.equal(npmMajorFor('22.12.0'), 11);
  assert.equal(npmMajorFor('20.11.0'), 10, 'npm 11 needs 20.17+');
  assert.equal(npmMajorFor('18.20.8'), 10);
  assert.equal(npmMajorFor('18.12.0'), 9);
  assert.equal(npmMajorFor('16.20.2'), 9);
  assert.equal(npmMajorFor('14.15.0'), 8);
  assert.equal(npmMajorFor('10.24.1'), 7);
  assert.equal(npmMajorFor('4.9.1'), null);
});

test('provisionedNodeFor: the newest complete provisioned Node in range, with its npm and headers', () => {
  assert.equal(provisionedNodeFor(home, '18.x', 11), null, 'nothing provisioned yet');
  provisioned(nodeSpec('18.19.0'));
  provisioned(nodeSpec('18.20.8'));
  provisioned(nodeSpec('16.20.2'));
  // Half made: no node command in it (a failed install is renamed into place only when whole).
  mkdirSync(path.join(home, 'toolchains', `${NODE_BINARY_PACKAGE}@18.99.0`), { recursive: true });
  assert.deepEqual(provisionedNodeVersions(home).sort(), ['16.20.2', '18.19.0', '18.20.8']);
  const without = provisionedNodeFor(home, '18.x', 11);
  assert.equal(without?.version, '18.20.8');
  assert.deepEqual(
    without?.binDirs,
    [toolBinDir(home, nodeSpec('18.20.8'))],
    'npm 10 not there yet',
  );
  provisioned(npmSpec(10));
  const withNpm = provisionedNodeFor(home, '18.x', 11);
  assert.deepEqual(withNpm?.binDirs, [
    toolBinDir(home, nodeSpec('18.20.8')),
    toolBinDir(home, npmSpec(10)),
  ]);
  assert.ok(withNpm?.nodedir.endsWith(path.join('node_modules', NODE_BINARY_PACKAGE)));
  assert.deepEqual(
    provisionedNodeFor(home, '18.x', 10)?.binDirs.length,
    1,
    "the machine's npm 10 runs on it",
  );
  assert.equal(provisionedNodeFor(home, '>=22', 11), null);
});
