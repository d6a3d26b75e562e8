import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyFailure } from '../classify.js';
import { failedResult } from '../failures.test-kit.js';

test('spawnError ENOENT is command-not-found with the program', () => {
  const sig = classifyFailure({
    phase: 'start',
    result: failedResult({
      command: 'gunicorn app:app',
      exitCode: null,
      spawnError: 'spawn gunicorn ENOENT',
    }),
  });
  assert.equal(sig.class, 'command-not-found');
  assert.deepEqual(sig.details, { command: 'gunicorn' });
  assert.equal(sig.evidence, 'spawn gunicorn ENOENT');
});

test('spawnError ENOENT on a build output path is build-output-missing', () => {
  const sig = classifyFailure({
    phase: 'start',
    result: failedResult({
      command: './target/release/api',
      exitCode: null,
      spawnError: 'spawn ./target/release/api ENOENT',
    }),
  });
  assert.equal(sig.class, 'build-output-missing');
  assert.deepEqual(sig.details, { path: './target/release/api' });
});

test('spawnError EACCES is permission-denied', () => {
  const sig = classifyFailure({
    phase: 'start',
    result: failedResult({
      command: './run.sh',
      exitCode: null,
      spawnError: 'spawn ./run.sh EACCES',
    }),
  });
  assert.equal(sig.class, 'permission-denied');
  assert.deepEqual(sig.details, { path: './run.sh' });
});

test('SIGKILL the run did not send is out-of-memory, even with no log', () => {
  const sig = classifyFailure({
    phase: 'build',
    result: failedResult({ command: 'npm run build', exitCode: null, signal: 'SIGKILL' }),
  });
  assert.equal(sig.class, 'out-of-memory');
  assert.deepEqual(sig.details, { signal: 'SIGKILL' });
  assert.equal(sig.evidence, 'signal SIGKILL');
});

test('exit code 137 is out-of-memory', () => {
  const sig = classifyFailure({
    phase: 'dependencies',
    result: failedResult({ command: 'sh -c pip install -r requirements.txt', exitCode: 137 }),
  });
  assert.equal(sig.class, 'out-of-memory');
  assert.deepEqual(sig.details, { exitCode: '137' });
});

test('a timed-out command killed by the run is command-timed-out, not out-of-memory', () => {
  const sig = classifyFailure({
    phase: 'build',
    result: failedResult({ timedOut: true, exitCode: null, signal: 'SIGKILL', durationMs: 900000 }),
  });
  assert.equal(sig.class, 'command-timed-out');
  assert.equal(sig.fixable, true);
});

test('an aborted run is unknown and not fixable', () => {
  const sig = classifyFailure({
    phase: 'dependencies',
    result: failedResult({ aborted: true, exitCode: null, signal: 'SIGTERM' }),
  });
  assert.equal(sig.class, 'unknown');
  assert.equal(sig.fixable, false);
});

test('exit code 127 with no log line is command-not-found for the program', () => {
  const sig = classifyFailure({
    phase: 'build',
    result: failedResult({ command: 'tsc -p tsconfig.json', exitCode: 127 }),
  });
  assert.equal(sig.class, 'command-not-found');
  assert.deepEqual(sig.details, { command: 'tsc' });
});

test("the HealthAgent's 'no answer within' is never-binds", () => {
  const sig = classifyFailure({
    phase: 'health',
    service: 'web',
    healthDetail: 'no answer within 30000 ms (last: ECONNREFUSED)',
    logTail: ['Compiled successfully', 'webpack compiled with 1 warning'],
  });
  assert.equal(sig.class, 'never-binds');
  assert.equal(sig.service, 'web');
  assert.equal(sig.evidence, 'no answer within 30000 ms (last: ECONNREFUSED)');
});

test('a service that exited on SIGKILL (its exit as fields) is out-of-memory', () => {
  const sig = classifyFailure({
    phase: 'health',
    healthDetail: 'exited on SIGKILL',
    exit: { exitCode: null, signal: 'SIGKILL' },
  });
  assert.equal(sig.class, 'out-of-memory');
  assert.deepEqual(sig.details, { signal: 'SIGKILL' });
});

test('the health detail text alone is not read for an exit: the fields decide', () => {
  const sig = classifyFailure({ phase: 'health', healthDetail: 'exited on SIGKILL' });
  assert.notEqual(sig.class, 'out-of-memory');
  const code = classifyFailure({ phase: 'health', exit: { exitCode: 137, signal: null } });
  assert.deepEqual(code.details, { exitCode: '137' });
});

test('never-binds does not apply outside start and health', () => {
  const sig = classifyFailure({ phase: 'build', healthDetail: 'no answer within 30000 ms' });
  assert.equal(sig.class, 'unknown');
});
