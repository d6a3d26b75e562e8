import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_CLASSES } from './classes.js';
import { classifyFailure, MAX_SCAN_LINES } from './classify.js';
import { RULES } from './rules/index.js';
import { ErrorSignatureSchema, MAX_EVIDENCE_CHARS } from './signature.js';
import { classifyLog, failedResult } from './failures.test-kit.js';

test('unrelated text is unknown, not fixable, with the last line as evidence', () => {
  const sig = classifyLog(
    `Compiling app v0.1.0 (/app)
warning: unused variable: \`x\`
error: could not compile \`app\` (bin "app") due to 1 previous error`,
    'build',
  );
  assert.equal(sig.class, 'unknown');
  assert.deepEqual(sig.details, {});
  assert.equal(sig.fixable, false);
  assert.equal(sig.evidence, 'error: could not compile `app` (bin "app") due to 1 previous error');
});

test('no input at all is unknown with empty evidence', () => {
  const sig = classifyFailure({ phase: 'start' });
  assert.equal(sig.class, 'unknown');
  assert.equal(sig.evidence, '');
});

test('the last error wins: a later traceback beats an earlier port warning', () => {
  const sig = classifyLog(`Port 5173 is in use, trying another one...
Traceback (most recent call last):
  File "/app/app.py", line 1, in <module>
    import redis
ModuleNotFoundError: No module named 'redis'`);
  assert.equal(sig.class, 'python-module-missing');
});

test('reads the ProcessResult stdout and stderr', () => {
  const sig = classifyFailure({
    phase: 'dependencies',
    ecosystem: 'node',
    result: failedResult({
      command: 'npm ci',
      stdout: 'added 0 packages\n',
      stderr: 'npm error code ERESOLVE\nnpm error ERESOLVE could not resolve\n',
    }),
  });
  assert.equal(sig.class, 'node-dependency-conflict');
});

test('colour codes and progress-bar carriage returns are stripped before matching', () => {
  const esc = String.fromCharCode(27);
  const sig = classifyLog(
    `Collecting flask\r${esc}[31mERROR: No matching distribution found for flask==99.0${esc}[0m`,
    'dependencies',
  );
  assert.equal(sig.class, 'pip-no-matching-distribution');
  assert.equal(sig.evidence, 'ERROR: No matching distribution found for flask==99.0');
});

test('evidence is trimmed to MAX_EVIDENCE_CHARS', () => {
  const sig = classifyLog(`ModuleNotFoundError: No module named 'x' ${'y'.repeat(1000)}`);
  assert.equal(sig.evidence.length, MAX_EVIDENCE_CHARS);
  assert.ok(sig.evidence.endsWith('…'));
});

test('only the last MAX_SCAN_LINES lines are read', () => {
  const old = ["ModuleNotFoundError: No module named 'old'"];
  const noise = Array.from({ length: MAX_SCAN_LINES }, (_, i) => `line ${i}`);
  const sig = classifyFailure({ phase: 'start', logTail: [...old, ...noise] });
  assert.equal(sig.class, 'unknown');
});

test("the caller's ecosystem wins over the rule's; the rule's fills in when absent", () => {
  const line = ["ModuleNotFoundError: No module named 'x'"];
  assert.equal(classifyFailure({ phase: 'start', logTail: line }).ecosystem, 'python');
  assert.equal(
    classifyFailure({ phase: 'start', ecosystem: 'procfile', logTail: line }).ecosystem,
    'procfile',
  );
  assert.equal(classifyFailure({ phase: 'start', logTail: ['?'] }).ecosystem, null);
});

test('every signature validates against ErrorSignatureSchema', () => {
  const sig = classifyLog(
    'Error: listen EADDRINUSE: address already in use 127.0.0.1:8080',
    'start',
    {
      service: 'api',
    },
  );
  assert.deepEqual(ErrorSignatureSchema.parse(sig), sig);
  assert.equal(sig.service, 'api');
  assert.equal(sig.phase, 'start');
});

test('every class but unknown has at least one rule, and every rule a known class', () => {
  const covered = new Set(RULES.map((r) => r.class));
  for (const cls of ERROR_CLASSES.filter((c) => c !== 'unknown'))
    assert.ok(covered.has(cls), `no rule for ${cls}`);
  assert.equal(new Set(RULES.map((r) => r.id)).size, RULES.length, 'rule ids are unique');
});

test('result rules come before line rules, line rules before fallbacks', () => {
  const order = { result: 0, line: 1, fallback: 2 } as const;
  const stages = RULES.map((r) => order[r.stage]);
  assert.deepEqual(
    stages,
    [...stages].sort((a, b) => a - b),
  );
});

test('a custom rule table can be passed (for the fixer to extend)', () => {
  const sig = classifyFailure({ phase: 'build', logTail: ['anything'] }, [
    { id: 'test/any', class: 'disk-full', stage: 'line', test: () => ({}) },
  ]);
  assert.equal(sig.class, 'disk-full');
});
