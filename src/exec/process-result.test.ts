import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_TAIL_LINE, outputTail } from './process-result.js';

test('outputTail keeps the last non-empty lines of stdout then stderr', () => {
  const tail = outputTail({ stdout: 'a\n\nb\n', stderr: 'c\nd\n' }, 3);
  assert.deepEqual(tail, ['b', 'c', 'd']);
});

test('outputTail cuts very long lines (pip lists every version on one line)', () => {
  const long = 'x'.repeat(MAX_TAIL_LINE * 3);
  const [line] = outputTail({ stdout: long, stderr: '' });
  assert.equal(line?.length, MAX_TAIL_LINE + 1);
  assert.ok(line?.endsWith('…'));
});
