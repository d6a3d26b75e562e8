import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFixable } from '../classes.js';
import { classifyFailure } from '../classify.js';
import { failedResult } from '../failures.test-kit.js';
import { nextStepFor } from '../next-step.js';

test('a limit hit in the ProcessResult names its class, before SIGKILL reads as out-of-memory', () => {
  const killed = failedResult({ exitCode: null, signal: 'SIGKILL' });
  assert.equal(classifyFailure({ phase: 'build', result: killed }).class, 'out-of-memory');
  const sig = classifyFailure({ phase: 'build', result: { ...killed, limitHit: 'oom-killed' } });
  assert.equal(sig.class, 'oom-killed');
  assert.match(sig.evidence, /run limit hit: oom-killed/);
  const forks = failedResult({ limitHit: 'pids-limit' });
  assert.equal(classifyFailure({ phase: 'dependencies', result: forks }).class, 'pids-limit');
});

test("a service's exit carries the limit too (disk quota, OOM in the health phase)", () => {
  const exit = { exitCode: null, signal: 'SIGKILL', limitHit: 'disk-quota' as const };
  assert.equal(classifyFailure({ phase: 'health', exit }).class, 'disk-quota');
  // Log text alone never makes a limit class: the field decides.
  const text = classifyFailure({ phase: 'build', logTail: ['oom-killed pids-limit disk-quota'] });
  assert.notEqual(text.class, 'oom-killed');
});

test('limit classes are not fixable by a rule, and say what to do', () => {
  for (const cls of ['oom-killed', 'pids-limit', 'disk-quota'] as const) {
    assert.equal(isFixable(cls, {}), false, cls);
    assert.match(nextStepFor(cls, {}), /larger tier|more memory/, cls);
  }
});
