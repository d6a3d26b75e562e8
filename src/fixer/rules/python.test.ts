import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyLog } from '../failures.test-kit.js';

test('a Flask traceback ending in ModuleNotFoundError is python-module-missing', () => {
  const sig = classifyLog(`Traceback (most recent call last):
  File "/app/app.py", line 3, in <module>
    from flask_cors import CORS
ModuleNotFoundError: No module named 'flask_cors'`);
  assert.equal(sig.class, 'python-module-missing');
  assert.deepEqual(sig.details, { module: 'flask_cors' });
  assert.equal(sig.fixable, true);
  assert.equal(sig.ecosystem, 'python');
  assert.equal(sig.evidence, "ModuleNotFoundError: No module named 'flask_cors'");
});

test("gunicorn's worker boot failure: the traceback's exception wins over the shutdown noise", () => {
  const sig = classifyLog(`[2024-05-01 10:00:00 +0000] [7] [INFO] Starting gunicorn 22.0.0
[2024-05-01 10:00:00 +0000] [7] [INFO] Listening at: http://127.0.0.1:8000 (7)
[2024-05-01 10:00:00 +0000] [8] [ERROR] Exception in worker process
Traceback (most recent call last):
  File "/app/.venv/lib/python3.11/site-packages/gunicorn/arbiter.py", line 609, in spawn_worker
    worker.init_process()
  File "/app/wsgi.py", line 1, in <module>
    from dotenv import load_dotenv
ModuleNotFoundError: No module named 'dotenv'
[2024-05-01 10:00:00 +0000] [8] [INFO] Worker exiting (pid: 8)
[2024-05-01 10:00:01 +0000] [7] [ERROR] Worker (pid:8) exited with code 3
[2024-05-01 10:00:01 +0000] [7] [ERROR] Shutting down: Master
[2024-05-01 10:00:01 +0000] [7] [ERROR] Reason: Worker failed to boot.`);
  assert.equal(sig.class, 'python-module-missing');
  assert.deepEqual(sig.details, { module: 'dotenv' });
});

test('`python -m uvicorn` without uvicorn installed', () => {
  const sig = classifyLog('/app/.venv/bin/python: No module named uvicorn');
  assert.equal(sig.class, 'python-module-missing');
  assert.deepEqual(sig.details, { module: 'uvicorn' });
});

test('a dotted module keeps its full name', () => {
  const sig = classifyLog("ModuleNotFoundError: No module named 'google.protobuf'");
  assert.deepEqual(sig.details, { module: 'google.protobuf' });
});

test('a missing stdlib module of a newer Python (tomllib) is a version mismatch', () => {
  const sig = classifyLog(`Traceback (most recent call last):
  File "/app/config.py", line 2, in <module>
    import tomllib
ModuleNotFoundError: No module named 'tomllib'`);
  assert.equal(sig.class, 'python-version-mismatch');
  assert.deepEqual(sig.details, { module: 'tomllib', wanted: '>=3.11' });
});

test("pip's 'requires a different Python' gives wanted and found", () => {
  const sig = classifyLog(
    `Processing /app
  Installing build dependencies ... done
ERROR: Package 'myapp' requires a different Python: 3.11.2 not in '>=3.12'`,
    'dependencies',
  );
  assert.equal(sig.class, 'python-version-mismatch');
  assert.deepEqual(sig.details, { package: 'myapp', found: '3.11.2', wanted: '>=3.12' });
});

test('versions skipped for Requires-Python beat the "No matching distribution" after them', () => {
  const sig = classifyLog(
    `Collecting numpy==2.1.0 (from -r requirements.txt (line 1))
ERROR: Ignored the following versions that require a different python version: 2.1.0 Requires-Python >=3.10; 2.1.1 Requires-Python >=3.10
ERROR: Could not find a version that satisfies the requirement numpy==2.1.0 (from versions: 1.24.0, 1.24.1, 1.24.4)
ERROR: No matching distribution found for numpy==2.1.0`,
    'dependencies',
  );
  assert.equal(sig.class, 'python-version-mismatch');
  assert.deepEqual(sig.details, { wanted: '>=3.10' });
});

test('uv: the interpreter does not satisfy requires-python', () => {
  const sig = classifyLog(
    "error: The requested interpreter resolved to Python 3.11.2, which is incompatible with the project's Python requirement: `>=3.12`",
    'dependencies',
  );
  assert.equal(sig.class, 'python-version-mismatch');
  assert.deepEqual(sig.details, { found: '3.11.2', wanted: '>=3.12' });
});

test('ImportError of enum.StrEnum means Python < 3.11', () => {
  const sig = classifyLog(
    "ImportError: cannot import name 'StrEnum' from 'enum' (/usr/lib/python3.10/enum.py)",
  );
  assert.equal(sig.class, 'python-version-mismatch');
  assert.deepEqual(sig.details, { name: 'StrEnum', wanted: '>=3.11' });
});

test('a SyntaxError on a match statement is a version mismatch (3.10+)', () => {
  const sig = classifyLog(`Traceback (most recent call last):
  File "/app/main.py", line 1, in <module>
    from commands import run
  File "/app/commands.py", line 12
    match command:
          ^
SyntaxError: invalid syntax`);
  assert.equal(sig.class, 'python-version-mismatch');
  assert.deepEqual(sig.details, { file: '/app/commands.py', wanted: '>=3.10' });
});

test('a SyntaxError inside site-packages is a version mismatch, with the found version', () => {
  const sig = classifyLog(`  File "/app/.venv/lib/python3.9/site-packages/pydantic/main.py", line 88
    type Foo = int
         ^^^
SyntaxError: invalid syntax`);
  assert.equal(sig.class, 'python-version-mismatch');
  assert.equal(sig.details.found, '3.9');
});

test("a SyntaxError in the app's own file is syntax-error-in-app and not fixable", () => {
  const sig = classifyLog(`Traceback (most recent call last):
  File "/app/manage.py", line 22, in <module>
    main()
  File "/app/shop/views.py", line 14
    def index(request)
                      ^
SyntaxError: expected ':'`);
  assert.equal(sig.class, 'syntax-error-in-app');
  assert.deepEqual(sig.details, {
    file: '/app/shop/views.py',
    line: '14',
    message: "SyntaxError: expected ':'",
  });
  assert.equal(sig.fixable, false);
});

test('an IndentationError is syntax-error-in-app', () => {
  const sig = classifyLog(`  File "/app/app.py", line 9
    return "ok"
IndentationError: unexpected indent`);
  assert.equal(sig.class, 'syntax-error-in-app');
  assert.equal(sig.details.message, 'IndentationError: unexpected indent');
});

test("pip's ResolutionImpossible is pip-resolution-conflict with the packages", () => {
  const sig = classifyLog(
    `ERROR: Cannot install -r requirements.txt (line 1) and flask==2.0.0 because these package versions have conflicting dependencies.

The conflict is caused by:
    The user requested flask==2.0.0
    flask-login 0.6.3 depends on Flask>=1.0.4
    flask-sqlalchemy 3.1.1 depends on flask>=2.2.5

To fix this you could try to:
1. loosen the range of package versions you've specified
2. remove package versions to allow pip attempt to solve the dependency conflict

ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts`,
    'dependencies',
  );
  assert.equal(sig.class, 'pip-resolution-conflict');
  assert.deepEqual(sig.details, {
    manager: 'pip',
    packages: '-r requirements.txt (line 1) and flask==2.0.0',
  });
  assert.equal(sig.fixable, false);
});

test('poetry: version solving failed', () => {
  const sig = classifyLog(
    `Because myapp depends on both flask (2.0.0) and flask-sqlalchemy (3.1.1) which depends on flask (>=2.2.5), version solving failed.`,
    'dependencies',
  );
  assert.equal(sig.class, 'pip-resolution-conflict');
  assert.equal(sig.details.manager, 'poetry');
});

test('No matching distribution found names the normalized package and the requirement', () => {
  const sig = classifyLog(
    `Collecting Flask_Cors==9.9.9
ERROR: Could not find a version that satisfies the requirement Flask_Cors==9.9.9 (from versions: 1.0, 3.0.10, 4.0.0)
ERROR: No matching distribution found for Flask_Cors==9.9.9`,
    'dependencies',
  );
  assert.equal(sig.class, 'pip-no-matching-distribution');
  assert.deepEqual(sig.details, { requirement: 'Flask_Cors==9.9.9', package: 'flask-cors' });
});

test('pip offline: "from versions: none" after connection retries is network-unreachable', () => {
  const sig = classifyLog(
    `WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f2c>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/flask/
ERROR: Could not find a version that satisfies the requirement flask (from versions: none)
ERROR: No matching distribution found for flask`,
    'dependencies',
  );
  assert.equal(sig.class, 'network-unreachable');
  assert.equal(sig.fixable, false);
});

test('Flask 2.0 under Werkzeug 3: python-dependency-drift, bounded below the release that removed the name', () => {
  const sig =
    classifyLog(`  File "/app/.venv/lib/python3.11/site-packages/flask/helpers.py", line 16, in <module>
    from werkzeug.urls import url_quote
ImportError: cannot import name 'url_quote' from 'werkzeug.urls' (/app/.venv/lib/python3.11/site-packages/werkzeug/urls.py)`);
  assert.equal(sig.class, 'python-dependency-drift');
  assert.deepEqual(sig.details, {
    module: 'werkzeug.urls',
    name: 'url_quote',
    bound: 'werkzeug<3',
  });
  assert.equal(sig.fixable, true);
  // A name no table knows stays what it was (the stdlib rule, or unknown).
  assert.notEqual(
    classifyLog("ImportError: cannot import name 'frobnicate' from 'somelib' (/x.py)").class,
    'python-dependency-drift',
  );
});
