import assert from 'node:assert/strict';
import { test } from 'node:test';
import semver from 'semver';
import { goNeedsNewerToolchain, unmetNodeRange } from './tool-env.js';

test('goNeedsNewerToolchain: only a go.mod go line newer than the installed Go', () => {
  const go = (wanted: string, source = 'go.mod') => ({ runtime: { tool: 'go', wanted, source } });
  assert.equal(goNeedsNewerToolchain([go('1.27.3')], '1.26.8'), true);
  assert.equal(goNeedsNewerToolchain([go('1.27')], '1.26.8'), true);
  assert.equal(goNeedsNewerToolchain([go('1.26.8')], '1.26.8'), false);
  assert.equal(goNeedsNewerToolchain([go('1.22')], '1.26.8'), false);
  assert.equal(
    goNeedsNewerToolchain([go('1.27.3')], null),
    false,
    'no Go installed: nothing to switch from',
  );
  assert.equal(
    goNeedsNewerToolchain([{ runtime: { tool: 'node', wanted: '99', source: 'x' } }], '1.26.8'),
    false,
  );
  assert.equal(goNeedsNewerToolchain([{}, go('1.28.0')], '1.27.3'), true);
});

test('unmetNodeRange: a Node range the machine does not satisfy, else null', () => {
  const node = (wanted: string) => ({
    runtime: { tool: 'node', wanted, source: 'package.json engines.node' },
  });
  const admits = (range: string | null, version: string) =>
    range !== null && semver.satisfies(version, range);
  assert.ok(admits(unmetNodeRange(node('18.x'), '20.20.2'), '18.20.8'));
  assert.ok(!admits(unmetNodeRange(node('18.x'), '20.20.2'), '20.20.2'));
  assert.equal(unmetNodeRange(node('>=18'), '20.20.2'), null);
  assert.equal(unmetNodeRange(node('lts/*'), '20.20.2'), null, 'no constraint');
  assert.ok(admits(unmetNodeRange(node('v16.20.0'), '20.20.2'), '16.20.2'), '.nvmrc form');
  assert.ok(admits(unmetNodeRange(node('18.x'), null), '18.0.0'), 'no Node at all');
  assert.equal(
    unmetNodeRange({ runtime: { tool: 'go', wanted: '1.0', source: 'go.mod' } }, '20.0.0'),
    null,
  );
});
