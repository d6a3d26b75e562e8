import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goNeedsNewerToolchain } from './provisioned-tools.js';

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
