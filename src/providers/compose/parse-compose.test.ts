import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withTree as withRepo } from '../temp-tree.test-kit.js';
import { RepoRunnerError } from '../../model/errors.js';
import { fileSecrets, findComposeFile, parseCompose } from './parse-compose.js';

test('findComposeFile follows Compose order and is null without a file', async () => {
  const files = {
    'docker-compose.yaml': 'services: {}\n',
    'compose.yml': 'services: {}\n',
    'docker-compose.yml': '',
  };
  assert.equal(await withRepo(files, findComposeFile), 'compose.yml');
  assert.equal(
    await withRepo({ 'docker-compose.yml': '', 'docker-compose.yaml': '' }, findComposeFile),
    'docker-compose.yml',
  );
  assert.equal(await withRepo({ 'README.md': '' }, (r) => parseCompose(r)), null);
});

test('a file with bad indentation is an error naming the file and line', async () => {
  const text = [
    'services:', //          1
    '  api:', //             2
    '    build: ./api', //   3
    '    ports:', //         4
    '      - "8000:8000"', // 5
    '   environment:', //    6
    '      DEBUG: "1"', //   7
  ].join('\n');
  await assert.rejects(
    withRepo({ 'docker-compose.yml': text }, (r) => parseCompose(r)),
    (err: unknown) =>
      err instanceof RepoRunnerError &&
      err.code === 'BAD_INPUT' &&
      /^docker-compose\.yml line 6: .*same column/.test(err.message),
  );
});

test('a wrong shape is an error at the offending line', async () => {
  const text =
    'services:\n  api:\n    build: .\n    depends_on:\n      db:\n        condition: service_ready\n';
  await assert.rejects(
    withRepo({ 'compose.yaml': text }, (r) => parseCompose(r)),
    /compose\.yaml line 6: services\.api\.depends_on\.db\.condition: Invalid option/,
  );
  await assert.rejects(
    withRepo({ 'compose.yaml': '# nothing\n' }, (r) => parseCompose(r)),
    /line 1: the file is empty/,
  );
});

test('values are interpolated from the env passed in over .env; anchors and merge keys work', async () => {
  const text = [
    'x-common: &common',
    '  environment:',
    '    LOG_LEVEL: ${LOG_LEVEL:-info}',
    'services:',
    '  db:',
    '    image: postgres:${PG_TAG:-15}',
    '  api:',
    '    <<: *common',
    '    build: .',
    '    command: echo $$HOME ${UNSET_VAR}',
  ].join('\n');
  const parsed = await withRepo(
    { 'compose.yaml': text, '.env': 'PG_TAG=16\nLOG_LEVEL=debug\n' },
    (r) => parseCompose(r, { LOG_LEVEL: 'warn' }),
  );
  assert.equal(parsed?.services.db?.image, 'postgres:16');
  assert.deepEqual(parsed?.services.api?.environment, { LOG_LEVEL: 'warn' });
  assert.equal(parsed?.services.api?.command, 'echo $HOME ');
  assert.deepEqual(parsed?.warnings, [
    'compose.yaml: variable UNSET_VAR is not set; using an empty string',
  ]);
});

test('fileSecrets: top-level secrets backed by a file inside the repository', () => {
  assert.deepEqual(
    fileSecrets({
      'db-password': { file: './db/password.txt' },
      env: { environment: 'TOKEN' },
      ext: { external: true },
      abs: { file: '/etc/shadow' },
      up: { file: '../x.txt' },
    }),
    { 'db-password': 'db/password.txt' },
  );
  assert.deepEqual(fileSecrets(undefined), {});
});
