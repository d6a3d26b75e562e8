import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createRunContext } from '../core/run-context.js';
import { StepFailedError } from '../model/errors.js';
import type { RunEvent } from '../model/events.js';
import type { CommandSpec } from '../model/plan.js';
import { openSqliteStore } from '../store/sqlite.js';
import { runStep } from './run-step.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-step-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function context(signal = new AbortController().signal) {
  const store = await openSqliteStore(':memory:');
  await store.createRun({ id: 'r1', source: tmp, options: {} });
  const ctx = createRunContext({
    runId: 'r1',
    source: tmp,
    home: tmp,
    runDir: path.join(tmp, 'run'),
    store,
    signal,
  });
  const events: RunEvent[] = [];
  ctx.bus.on('event', (e) => events.push(e));
  const close = async () => {
    await ctx.bus.flush();
    await store.close();
  };
  return { ctx, events, close };
}

const log = path.join(tmp, 'run', 'logs', 'build-web.log');
const tracked = {
  phase: 'build',
  service: 'web',
  kind: 'build',
  logFile: log,
  env: { PATH: process.env.PATH ?? '' },
  timeoutMs: 30_000,
};
const step = (argv: string[], optional = false): CommandSpec => ({
  argv,
  cwd: '.',
  env: {},
  description: 'build the app',
  optional,
});
const failure = { code: 'BUILD_FAILED' as const, hint: `read ${log}` };

test('a failing step throws StepFailedError with its result, log file and output tail', async () => {
  const { ctx, close } = await context();
  try {
    const err = await runStep(ctx, step(['sh', '-c', 'echo broken >&2; exit 3']), tmp, tracked, {
      ...failure,
    }).catch((e: unknown) => e);
    assert.ok(err instanceof StepFailedError);
    assert.equal(err.code, 'BUILD_FAILED');
    assert.equal(err.exitCode, 7);
    assert.equal(err.result.exitCode, 3);
    assert.equal(err.logFile, log);
    assert.equal(err.service, 'web');
    assert.match(err.message, /^build the app failed \(exit 3\): sh -c/);
    assert.match(err.message, /broken/);
    assert.match(readFileSync(log, 'utf8'), /broken/);
  } finally {
    await close();
  }
});

test('a program that is not installed: TOOLCHAIN_MISSING when the caller says so, with the result', async () => {
  const { ctx, close } = await context();
  try {
    const missing = step(['no-such-tool-rr']);
    const toolchain = await runStep(ctx, missing, tmp, tracked, {
      ...failure,
      missingProgramIsToolchain: true,
    }).catch((e: unknown) => e);
    assert.ok(toolchain instanceof StepFailedError);
    assert.equal(toolchain.code, 'TOOLCHAIN_MISSING');
    assert.match(
      toolchain.message,
      /^no-such-tool-rr is not installed \(needed to build the app\)/,
    );
    assert.match(toolchain.result.spawnError ?? '', /ENOENT/);
    const plain = await runStep(ctx, missing, tmp, tracked, failure).catch((e: unknown) => e);
    assert.ok(plain instanceof StepFailedError);
    assert.equal(plain.code, 'BUILD_FAILED');
    assert.match(plain.message, /failed \(spawn no-such-tool-rr ENOENT\)/);
  } finally {
    await close();
  }
});

test('an optional step that fails is a warning and its result is returned', async () => {
  const { ctx, events, close } = await context();
  try {
    const result = await runStep(ctx, step(['false'], true), tmp, tracked, failure);
    assert.equal(result.exitCode, 1);
    assert.ok(
      events.some((e) => e.kind === 'warning' && /optional, so the run goes on/.test(e.message)),
    );
  } finally {
    await close();
  }
});

test('an aborted step throws an AbortError, not a step failure', async () => {
  const abort = new AbortController();
  const { ctx, close } = await context(abort.signal);
  try {
    setTimeout(() => abort.abort(), 100);
    const err = await runStep(ctx, step(['sleep', '10']), tmp, tracked, failure).catch(
      (e: unknown) => e,
    );
    assert.equal((err as Error).name, 'AbortError');
  } finally {
    await close();
  }
});
