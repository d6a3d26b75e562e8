import assert from 'node:assert/strict';
import { test } from 'node:test';
import { watcherCrashLine } from './watcher-crash.js';

test('a watcher waiting after the app crashed is recognised; a restarted app is not', () => {
  assert.equal(
    watcherCrashLine([
      'Error: @prisma/client did not initialize yet.',
      '    at new PrismaClient (index.js:5:11)',
      '>  NX  Process exited with code 1, waiting for changes to restart...',
    ]),
    '>  NX  Process exited with code 1, waiting for changes to restart...',
  );
  assert.match(
    watcherCrashLine(['[nodemon] app crashed - waiting for file changes before starting...']) ?? '',
    /app crashed/,
  );
  assert.match(
    watcherCrashLine(["Failed running 'server.js'", 'Waiting for file changes']) ?? '',
    /Failed/,
  );
  assert.equal(
    watcherCrashLine([
      '[nodemon] app crashed - waiting',
      '[nodemon] restarting',
      'Server listening on 3000',
    ]),
    null,
  );
  assert.equal(
    watcherCrashLine(['Process exited with code 0, waiting for changes to restart']),
    null,
  );
  assert.equal(watcherCrashLine(['compiling...', 'webpack built in 3 s']), null);
});
