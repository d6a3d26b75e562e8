import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { createRunContext } from '../core/run-context.js';
import { detectToolchains } from '../env/detect-toolchains.js';
import type { EnvFacts } from '../model/env-facts.js';
import type { RunEvent } from '../model/events.js';
import type { ServiceSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';
import { openSqliteStore } from '../store/sqlite.js';
import { ensureVenv } from './python-venv.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-venv-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const service = { name: 'web', root: '.' } as ServiceSpec;

/** A run of `repo` (the sandbox shows the commands its workspace), with the toolchains found here. */
async function context(repo: string): Promise<{ ctx: RunContext; events: RunEvent[] }> {
  const store = await openSqliteStore(':memory:');
  await store.createRun({ id: 'r1', source: tmp, options: {} });
  const toolchains = await detectToolchains({
    pathEnv: process.env.PATH ?? '',
    names: ['python3'],
  });
  const ctx = createRunContext({
    runId: 'r1',
    source: tmp,
    home: tmp,
    runDir: path.join(tmp, 'run'),
    store,
    // ensureVenv reads only the toolchains of the environment facts.
    state: {
      env: { toolchains } as EnvFacts,
      workspace: { repoPath: repo, kind: 'local', commit: null },
    },
  });
  const events: RunEvent[] = [];
  ctx.bus.on('event', (e) => events.push(e));
  return { ctx, events };
}

const tracked = (ctx: RunContext) => ({
  phase: 'dependencies',
  service: 'web',
  kind: 'install',
  logFile: path.join(ctx.runDir, 'x.log'),
  env: { PATH: process.env.PATH ?? '' },
  timeoutMs: 120_000,
});

test('a virtualenv the user made for another Python is reused with a warning, never replaced', async () => {
  const repo = path.join(tmp, 'user');
  const venv = path.join(repo, '.venv');
  mkdirSync(path.join(venv, 'bin'), { recursive: true });
  writeFileSync(path.join(venv, 'bin', 'python'), '#!/bin/sh\n');
  writeFileSync(path.join(venv, 'pyvenv.cfg'), 'home = /usr/bin\nversion = 3.2.1\n');
  const before = statSync(path.join(venv, 'pyvenv.cfg')).mtimeMs;
  const { ctx, events } = await context(repo);
  await ensureVenv(ctx, repo, service, venv, tracked(ctx));
  assert.equal(statSync(path.join(venv, 'pyvenv.cfg')).mtimeMs, before);
  assert.ok(
    events.some(
      (e) => e.kind === 'warning' && /reusing your virtualenv .* \(Python 3\.2\)/.test(e.message),
    ),
  );
});

test('a virtualenv Repo Runner left half-made is made again and marked ready', async () => {
  const repo = path.join(tmp, 'ours');
  const venv = path.join(repo, '.venv');
  mkdirSync(venv, { recursive: true });
  writeFileSync(
    path.join(venv, '.repo-runner-venv.json'),
    JSON.stringify({ state: 'creating', python: null }),
  );
  const { ctx } = await context(repo);
  await ensureVenv(ctx, repo, service, venv, tracked(ctx));
  assert.ok(existsSync(path.join(venv, 'bin', 'python')));
  assert.equal(
    JSON.parse(readFileSync(path.join(venv, '.repo-runner-venv.json'), 'utf8')).state,
    'ready',
  );
  const again = statSync(path.join(venv, 'pyvenv.cfg')).mtimeMs;
  await ensureVenv(ctx, repo, service, venv, tracked(ctx));
  assert.equal(
    statSync(path.join(venv, 'pyvenv.cfg')).mtimeMs,
    again,
    'a ready, matching venv is reused',
  );
});

test('a folder named .venv that is not a virtualenv (and not ours) is refused, not deleted', async () => {
  const repo = path.join(tmp, 'junk');
  const venv = path.join(repo, '.venv');
  mkdirSync(venv, { recursive: true });
  writeFileSync(path.join(venv, 'notes.txt'), 'mine');
  const { ctx } = await context(repo);
  await assert.rejects(
    ensureVenv(ctx, repo, service, venv, tracked(ctx)),
    /not a usable virtualenv/,
  );
  assert.equal(readFileSync(path.join(venv, 'notes.txt'), 'utf8'), 'mine');
});

const pipOf = (venv: string) =>
  execa(path.join(venv, 'bin', 'python'), ['-m', 'pip', '--version'], { reject: false });

test('a venv interrupted before pip was installed (no marker: `--clear` wiped it) is completed, keeping its files', async () => {
  const repo = path.join(tmp, 'interrupted');
  const venv = path.join(repo, '.venv');
  mkdirSync(repo, { recursive: true });
  // Exactly what an interrupt during ensurepip leaves: bin/python, pyvenv.cfg, no pip, no marker.
  await execa('python3', ['-m', 'venv', '--without-pip', venv]);
  assert.match((await pipOf(venv)).stderr, /No module named pip/);
  writeFileSync(path.join(venv, 'keep.txt'), 'a file of the user');
  const { ctx, events } = await context(repo);
  await ensureVenv(ctx, repo, service, venv, tracked(ctx));
  const pip = await pipOf(venv);
  assert.equal(pip.exitCode, 0, pip.stderr);
  assert.match(pip.stdout, /^pip \d+/);
  assert.equal(readFileSync(path.join(venv, 'keep.txt'), 'utf8'), 'a file of the user');
  assert.ok(events.some((e) => /left half-made \(no pip\): completing it/.test(e.message)));
});

test('a venv of ours marked ready whose pip is gone is made again', async () => {
  const repo = path.join(tmp, 'ours-no-pip');
  const venv = path.join(repo, '.venv');
  mkdirSync(repo, { recursive: true });
  await execa('python3', ['-m', 'venv', '--without-pip', venv]);
  writeFileSync(
    path.join(venv, '.repo-runner-venv.json'),
    JSON.stringify({ state: 'ready', python: null }),
  );
  const { ctx, events } = await context(repo);
  await ensureVenv(ctx, repo, service, venv, tracked(ctx));
  assert.equal((await pipOf(venv)).exitCode, 0);
  assert.ok(events.some((e) => /left half-made \(no pip\): making it again/.test(e.message)));
  assert.equal(
    JSON.parse(readFileSync(path.join(venv, '.repo-runner-venv.json'), 'utf8')).state,
    'ready',
  );
});
