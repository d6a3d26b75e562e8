import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyLog } from '../failures.test-kit.js';

test('psycopg2 built from source without pg_config is system-library-missing (libpq)', () => {
  const sig = classifyLog(
    `      running egg_info
      writing psycopg2.egg-info/PKG-INFO

      Error: pg_config executable not found.

      pg_config is required to build psycopg2 from source.  Please add the directory
      containing pg_config to the $PATH or specify the full executable path with the
      option:

          python setup.py build_ext --pg-config /path/to/pg_config build ...

      [end of output]

  note: This error originates from a subprocess, and is likely not a problem with pip.
error: metadata-generation-failed

× Encountered error while generating package metadata.`,
    'dependencies',
  );
  assert.equal(sig.class, 'system-library-missing');
  assert.deepEqual(sig.details, { library: 'libpq', command: 'pg_config' });
  assert.equal(sig.fixable, true);
});

test('gcc: fatal error: Python.h: No such file or directory', () => {
  const sig = classifyLog(
    `      x86_64-linux-gnu-gcc -Wno-unused-result -fPIC -I/usr/include/python3.11 -c src/ext.c -o build/ext.o
      src/ext.c:1:10: fatal error: Python.h: No such file or directory
          1 | #include <Python.h>
            |          ^~~~~~~~~~
      compilation terminated.
      error: command '/usr/bin/x86_64-linux-gnu-gcc' failed with exit code 1`,
    'dependencies',
  );
  assert.equal(sig.class, 'system-library-missing');
  assert.deepEqual(sig.details, { header: 'Python.h', library: 'python3-dev' });
});

test('gcc: a missing openssl/ssl.h header names openssl', () => {
  const sig = classifyLog(
    'build/temp.linux-x86_64-cpython-311/_openssl.c:575:10: fatal error: openssl/ssl.h: No such file or directory',
    'dependencies',
  );
  assert.deepEqual(sig.details, { header: 'openssl/ssl.h', library: 'openssl' });
});

test('ordering: a Django traceback whose ImportError is libpq.so.5 is system-library-missing', () => {
  const sig = classifyLog(`Traceback (most recent call last):
  File "/app/.venv/lib/python3.11/site-packages/django/db/backends/postgresql/base.py", line 25, in <module>
    import psycopg as Database
ModuleNotFoundError: No module named 'psycopg'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/.venv/lib/python3.11/site-packages/django/db/backends/postgresql/base.py", line 27, in <module>
    import psycopg2 as Database
  File "/app/.venv/lib/python3.11/site-packages/psycopg2/__init__.py", line 51, in <module>
    from psycopg2._psycopg import (                     # noqa
ImportError: libpq.so.5: cannot open shared object file: No such file or directory

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/manage.py", line 22, in <module>
    main()
django.core.exceptions.ImproperlyConfigured: Error loading psycopg2 or psycopg module`);
  assert.equal(sig.class, 'system-library-missing');
  assert.deepEqual(sig.details, { file: 'libpq.so.5', library: 'libpq' });
});

test("ordering: psycopg 3's 'no pq wrapper' lists missing modules but the cause is libpq", () => {
  const sig = classifyLog(`Traceback (most recent call last):
  File "/app/app.py", line 1, in <module>
    import psycopg
ImportError: no pq wrapper available.
Attempts made:
- couldn't import psycopg 'c' implementation: No module named 'psycopg_c'
- couldn't import psycopg 'binary' implementation: No module named 'psycopg_binary'
- couldn't import psycopg 'python' implementation: libpq library not found`);
  assert.equal(sig.class, 'system-library-missing');
  assert.deepEqual(sig.details, { library: 'libpq' });
});

test('ld.so: error while loading shared libraries', () => {
  const sig = classifyLog(
    './target/release/api: error while loading shared libraries: libssl.so.1.1: cannot open shared object file: No such file or directory',
  );
  assert.equal(sig.class, 'system-library-missing');
  assert.deepEqual(sig.details, { file: 'libssl.so.1.1', library: 'libssl' });
});

test('dash: a script without the executable bit is permission-denied with its path', () => {
  const sig = classifyLog(`> app@1.0.0 start
> ./scripts/start.sh

sh: 1: ./scripts/start.sh: Permission denied`);
  assert.equal(sig.class, 'permission-denied');
  assert.deepEqual(sig.details, { path: './scripts/start.sh' });
  assert.equal(sig.fixable, true);
});

test('CPython PermissionError names the file', () => {
  const sig = classifyLog(`  File "/usr/lib/python3.11/logging/__init__.py", line 1213, in _open
    return open_func(self.baseFilename, self.mode,
PermissionError: [Errno 13] Permission denied: '/var/log/app.log'`);
  assert.equal(sig.class, 'permission-denied');
  assert.deepEqual(sig.details, { path: '/var/log/app.log' });
});

test('node listen EACCES on port 80 is permission-denied with the port', () => {
  const sig = classifyLog(`Error: listen EACCES: permission denied 0.0.0.0:80
    at Server.setupListenHandle [as _listen2] (node:net:1855:21)`);
  assert.equal(sig.class, 'permission-denied');
  assert.deepEqual(sig.details, { port: '80' });
});

test("git's 'Permission denied (publickey)' is not a script permission problem", () => {
  const sig = classifyLog('git@github.com: Permission denied (publickey).', 'fetch');
  assert.notEqual(sig.class, 'permission-denied');
});

test('an npm script whose binary is not installed: sh: 1: nodemon: not found', () => {
  const sig = classifyLog(`> api@1.0.0 dev
> nodemon server.js

sh: 1: nodemon: not found`);
  assert.equal(sig.class, 'command-not-found');
  assert.deepEqual(sig.details, { command: 'nodemon' });
});

test('bash: command not found', () => {
  const sig = classifyLog('/bin/bash: line 1: gunicorn: command not found');
  assert.equal(sig.class, 'command-not-found');
  assert.deepEqual(sig.details, { command: 'gunicorn' });
});

test("the RunnerAgent's own spawn failure: could not start web: gunicorn was not found", () => {
  const sig = classifyLog('could not start web: gunicorn was not found');
  assert.equal(sig.class, 'command-not-found');
  assert.deepEqual(sig.details, { command: 'gunicorn' });
});

test("a shebang's interpreter missing: /usr/bin/env: ‘python’", () => {
  const sig = classifyLog('/usr/bin/env: ‘python’: No such file or directory');
  assert.equal(sig.class, 'command-not-found');
  assert.deepEqual(sig.details, { command: 'python' });
});

test('ordering: a missing binary under target/ is build-output-missing, not command-not-found', () => {
  const sig = classifyLog('sh: 1: ./target/release/server: not found');
  assert.equal(sig.class, 'build-output-missing');
  assert.deepEqual(sig.details, { path: './target/release/server' });
});

test('npm ENOSPC is disk-full (not fixable)', () => {
  const sig = classifyLog(
    `npm ERR! code ENOSPC
npm ERR! syscall write
npm ERR! errno -28
npm ERR! nospc ENOSPC: no space left on device, write '/root/.npm/_cacache/tmp/9f1c2b'
npm ERR! nospc There appears to be insufficient space on your system to finish.`,
    'dependencies',
  );
  assert.equal(sig.class, 'disk-full');
  assert.deepEqual(sig.details, { path: '/root/.npm/_cacache/tmp/9f1c2b' });
  assert.equal(sig.fixable, false);
});

test('ordering: ENOSPC from inotify is the watcher limit, not a full disk', () => {
  const sig =
    classifyLog(`Error: ENOSPC: System limit for number of file watchers reached, watch '/app/src'
    at FSWatcher.<computed> (node:internal/fs/watchers:247:19)`);
  assert.equal(sig.class, 'watcher-limit-reached');
});
