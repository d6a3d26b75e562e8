import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ErrorSignatureSchema,
  signatureKey,
  trimEvidence,
  type ErrorSignature,
} from './signature.js';

const sig = (over: Partial<ErrorSignature>): ErrorSignature => ({
  class: 'python-module-missing',
  phase: 'start',
  service: 'web',
  ecosystem: 'python',
  details: { module: 'flask_cors' },
  fixable: true,
  evidence: "ModuleNotFoundError: No module named 'flask_cors'",
  ...over,
});

test('signatureKey is the class and the identifying detail', () => {
  assert.equal(signatureKey(sig({})), 'python-module-missing:flask_cors');
});

test('signatureKey ignores phase, service, evidence and non-identifying details', () => {
  const a = sig({});
  const b = sig({
    phase: 'health',
    service: 'worker',
    evidence: 'other text',
    details: { extra: 'x', module: 'flask_cors' },
  });
  assert.equal(signatureKey(a), signatureKey(b));
});

test('signatureKey orders several identifying details by the class, not the object', () => {
  const a = signatureKey({
    class: 'pip-resolution-conflict',
    details: { packages: 'a and b', manager: 'pip' },
  });
  const b = signatureKey({
    class: 'pip-resolution-conflict',
    details: { manager: 'pip', packages: 'a and b' },
  });
  assert.equal(a, 'pip-resolution-conflict:pip:a and b');
  assert.equal(a, b);
});

test('signatureKey skips absent details and normalizes whitespace', () => {
  assert.equal(signatureKey({ class: 'port-in-use', details: {} }), 'port-in-use');
  assert.equal(
    signatureKey({ class: 'never-binds', details: { timeoutMs: '30000' } }),
    'never-binds',
  );
  assert.equal(
    signatureKey({ class: 'node-module-missing', details: { package: ' lodash ' } }),
    'node-module-missing:lodash',
  );
});

test('trimEvidence trims and cuts at 300 characters', () => {
  assert.equal(trimEvidence('  hi  '), 'hi');
  const long = trimEvidence('x'.repeat(400));
  assert.equal(long.length, 300);
  assert.ok(long.endsWith('…'));
});

test('the schema rejects an unknown class and overlong evidence', () => {
  assert.equal(ErrorSignatureSchema.safeParse(sig({})).success, true);
  assert.equal(ErrorSignatureSchema.safeParse({ ...sig({}), class: 'guess' }).success, false);
  assert.equal(ErrorSignatureSchema.safeParse(sig({ evidence: 'x'.repeat(301) })).success, false);
});
