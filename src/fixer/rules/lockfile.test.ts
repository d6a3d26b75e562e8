import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyLog } from '../failures.test-kit.js';

test('npm ci: package.json and package-lock.json are not in sync (npm 9)', () => {
  const sig = classifyLog(
    `npm ERR! code EUSAGE
npm ERR!
npm ERR! \`npm ci\` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file with \`npm install\` before continuing.
npm ERR!
npm ERR! Missing: express@4.19.2 from lock file
npm ERR! Invalid: lock file's lodash@4.17.20 does not satisfy lodash@4.17.21
npm ERR!
npm ERR! Clean install a project
npm ERR!
npm ERR! Usage:
npm ERR! npm ci
npm ERR!
npm ERR! Options:
npm ERR! [--install-strategy <hoisted|nested|shallow|linked>] [--legacy-bundling]
npm ERR!
npm ERR! aliases: clean-install, ic, install-clean, isntall-clean
npm ERR!
npm ERR! Run "npm help ci" for more info

npm ERR! A complete log of this run can be found in: /root/.npm/_logs/2024-05-01T10_00_00_000Z-debug-0.log`,
    'dependencies',
  );
  assert.equal(sig.class, 'lockfile-out-of-sync');
  assert.deepEqual(sig.details, { manager: 'npm' });
  assert.equal(sig.fixable, true);
});

test('yarn 1: Your lockfile needs to be updated', () => {
  const sig = classifyLog(
    `yarn install v1.22.22
[1/4] Resolving packages...
error Your lockfile needs to be updated, but yarn was run with \`--frozen-lockfile\`.
info Visit https://yarnpkg.com/en/docs/cli/install for documentation about this command.`,
    'dependencies',
  );
  assert.equal(sig.class, 'lockfile-out-of-sync');
  assert.deepEqual(sig.details, { manager: 'yarn' });
});

test('pnpm: ERR_PNPM_OUTDATED_LOCKFILE', () => {
  const sig = classifyLog(
    ` ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile" because pnpm-lock.yaml is not up to date with <ROOT>/package.json

Note that in CI environments this setting is true by default. If you still need to run install in such cases, use "pnpm install --no-frozen-lockfile"`,
    'dependencies',
  );
  assert.equal(sig.class, 'lockfile-out-of-sync');
  assert.deepEqual(sig.details, { manager: 'pnpm' });
});

test('poetry: poetry.lock is not consistent with pyproject.toml', () => {
  const sig = classifyLog(
    `Installing dependencies from lock file
Warning: poetry.lock is not consistent with pyproject.toml. You may be getting improper dependencies. Run \`poetry lock [--no-update]\` to fix it.`,
    'dependencies',
  );
  assert.equal(sig.class, 'lockfile-out-of-sync');
  assert.deepEqual(sig.details, { manager: 'poetry' });
});

test('uv sync --locked with a stale uv.lock', () => {
  const sig = classifyLog(
    'error: The lockfile at `uv.lock` needs to be updated, but `--locked` was provided. To update the lockfile, run `uv lock`.',
    'dependencies',
  );
  assert.deepEqual(sig.details, { manager: 'uv' });
});
