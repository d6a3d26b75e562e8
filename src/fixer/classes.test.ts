import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_CLASS_INFO, ERROR_CLASSES, isFixable } from './classes.js';

test('at least the 22 classes of the issue, each with its info', () => {
  assert.ok(ERROR_CLASSES.length >= 22);
  assert.deepEqual(Object.keys(ERROR_CLASS_INFO).sort(), [...ERROR_CLASSES].sort());
});

test('a fixable class needs one of its details', () => {
  assert.equal(isFixable('python-module-missing', { module: 'x' }), true);
  assert.equal(isFixable('python-module-missing', {}), false);
  assert.equal(isFixable('permission-denied', { port: '80' }), true);
  assert.equal(isFixable('port-in-use', {}), true);
});

test('unknown, syntax errors and a full disk are never fixable', () => {
  assert.equal(isFixable('unknown', { anything: 'x' }), false);
  assert.equal(isFixable('syntax-error-in-app', { file: 'a.py' }), false);
  assert.equal(isFixable('disk-full', {}), false);
});
