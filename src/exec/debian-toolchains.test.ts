import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { CommandSpec } from '../model/plan.js';
import { commandProgram, missingDebianToolchains } from './debian-toolchains.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-debian-tools-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const cmd = (...argv: string[]): CommandSpec => ({ argv, cwd: '.', env: {}, description: '' });

test('commandProgram: argv[0], or the first word a shell script runs', () => {
  assert.equal(commandProgram(['php', '-S', '0.0.0.0:8000']), 'php');
  assert.equal(commandProgram(['sh', '-c', 'APP_ENV=prod exec mvn -q spring-boot:run']), 'mvn');
  assert.equal(commandProgram(['bash', '-c', '$(cat cmd)']), null);
  assert.equal(commandProgram([]), null);
});

test('missingDebianToolchains: only table programs absent from PATH, once each', () => {
  const bin = path.join(tmp, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'php'), '#!/bin/sh\n');
  chmodSync(path.join(bin, 'php'), 0o755);
  const service = {
    install: {
      isolation: 'toolchain-cache' as const,
      dir: '.',
      manifests: ['composer.json'],
      steps: [cmd('composer', 'install')],
    },
    build: [cmd('sh', '-c', 'composer dump-autoload'), cmd('make')],
    start: cmd('php', '-S', '{host}:{port}'),
  };
  // php is on PATH; composer is not; make is not a Debian toolchain of the table.
  assert.deepEqual(missingDebianToolchains(service, bin, tmp), [
    { program: 'composer', packages: ['composer'] },
  ]);
  assert.deepEqual(
    missingDebianToolchains(service, path.join(tmp, 'empty'), tmp).map((m) => m.program),
    ['composer', 'php'],
  );
});
