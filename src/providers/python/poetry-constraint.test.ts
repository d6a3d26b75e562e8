import assert from 'node:assert/strict';
import { test } from 'node:test';
import { poetryToPep440 } from './poetry-constraint.js';

test('poetry constraints become PEP 440 specifiers', () => {
  const cases: [string, string | null][] = [
    ['^1.2', '>=1.2,<2'],
    ['^1.2.3', '>=1.2.3,<2'],
    ['^0.2.3', '>=0.2.3,<0.3'],
    ['^0.0.3', '>=0.0.3,<0.0.4'],
    ['^0', '>=0,<1'],
    ['~1.2.3', '>=1.2.3,<1.3'],
    ['~1', '>=1,<2'],
    ['~=1.4', '~=1.4'],
    ['1.2.3', '==1.2.3'],
    ['*', ''],
    ['', ''],
    ['>=1.2 <2.0', '>=1.2,<2.0'],
    ['>=1.2,<2.0', '>=1.2,<2.0'],
    ['^1.0 || ^2.0', null],
  ];
  for (const [input, expected] of cases) assert.equal(poetryToPep440(input), expected, input);
});
