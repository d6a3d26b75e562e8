import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServiceSpecSchema, toServiceName } from './plan.js';

test('toServiceName: any folder, binary or module name becomes a name the plan accepts', () => {
  assert.equal(toServiceName('Web UI'), 'web-ui');
  assert.equal(toServiceName('packages/api'), 'packages-api');
  assert.equal(toServiceName('_private'), 'private');
  assert.equal(toServiceName('__'), 'app');
  const name = ServiceSpecSchema.shape.name;
  for (const raw of ['Web UI', '.hidden', 'ÄÖ', 'my_bin.v2'])
    assert.ok(name.safeParse(toServiceName(raw)).success, raw);
});
