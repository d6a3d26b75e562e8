import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interpolate, interpolateTree } from './interpolate.js';

const env: Record<string, string> = { TAG: '16', EMPTY: '', USER: 'app' };
const lookup = (n: string) => env[n];

test('interpolate substitutes ${VAR}, $VAR and ${VAR:-default}', () => {
  assert.equal(interpolate('postgres:${TAG}', lookup), 'postgres:16');
  assert.equal(interpolate('$USER-x', lookup), 'app-x');
  assert.equal(interpolate('${MISSING:-8000}', lookup), '8000');
  assert.equal(interpolate('${EMPTY:-fallback}', lookup), 'fallback');
  assert.equal(interpolate('${TAG:-15}', lookup), '16');
  assert.equal(interpolate('${MISSING:-${USER}-db}', lookup), 'app-db');
  assert.equal(interpolate('${MISSING:-}', lookup), '');
});

test('interpolate keeps $$ as a literal $ and reports unset and unsupported forms', () => {
  const issues: string[] = [];
  const onIssue = (i: string) => issues.push(i);
  assert.equal(interpolate('echo $$HOME and $', lookup, onIssue), 'echo $HOME and $');
  assert.equal(interpolate('a${NOPE}b', lookup, onIssue), 'ab');
  assert.equal(interpolate('${TAG:?required}', lookup, onIssue), '${TAG:?required}');
  assert.equal(interpolate('${TAG', lookup, onIssue), '${TAG');
  assert.equal(issues.length, 3);
  assert.match(issues[0] ?? '', /NOPE is not set/);
  assert.match(issues[1] ?? '', /unsupported/);
});

test('interpolateTree rewrites string values, not keys or other scalars', () => {
  assert.deepEqual(
    interpolateTree({ $TAG: ['${TAG}', 5, true, null], n: { k: '$USER' } }, lookup),
    {
      $TAG: ['16', 5, true, null],
      n: { k: 'app' },
    },
  );
});
