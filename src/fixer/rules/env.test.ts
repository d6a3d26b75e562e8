import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyLog } from '../failures.test-kit.js';

test("os.environ['SECRET_KEY'] KeyError (Python 3.11 traceback) is env-var-missing", () => {
  const sig = classifyLog(`Traceback (most recent call last):
  File "/app/app.py", line 6, in <module>
    app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
                               ~~~~~~~~~~^^^^^^^^^^^^^^
  File "<frozen os>", line 679, in __getitem__
KeyError: 'SECRET_KEY'`);
  assert.equal(sig.class, 'env-var-missing');
  assert.deepEqual(sig.details, { variable: 'SECRET_KEY' });
  assert.equal(sig.fixable, true);
});

test('a KeyError on an ordinary dict key is not an environment problem', () => {
  const sig = classifyLog(`Traceback (most recent call last):
  File "/app/handlers.py", line 12, in handle
    return payload["user_id"]
KeyError: 'user_id'`);
  assert.equal(sig.class, 'unknown');
});

test('pydantic-settings v2: every missing field, upper-cased', () => {
  const sig = classifyLog(`  File "/app/config.py", line 12, in <module>
    settings = Settings()
pydantic_core._pydantic_core.ValidationError: 2 validation errors for Settings
database_url
  Field required [type=missing, input_value={}, input_type=dict]
    For further information visit https://errors.pydantic.dev/2.7/v/missing
jwt_secret
  Field required [type=missing, input_value={}, input_type=dict]
    For further information visit https://errors.pydantic.dev/2.7/v/missing`);
  assert.equal(sig.class, 'env-var-missing');
  assert.deepEqual(sig.details, {
    model: 'Settings',
    variable: 'DATABASE_URL',
    variables: 'DATABASE_URL,JWT_SECRET',
    field: 'database_url',
  });
});

test('pydantic v1 BaseSettings: field required (type=value_error.missing)', () => {
  const sig = classifyLog(`pydantic.error_wrappers.ValidationError: 1 validation error for Settings
secret_key
  field required (type=value_error.missing)`);
  assert.equal(sig.class, 'env-var-missing');
  assert.equal(sig.details.variable, 'SECRET_KEY');
});

test("django-environ's ImproperlyConfigured: Set the X environment variable", () => {
  const sig =
    classifyLog(`  File "/app/.venv/lib/python3.11/site-packages/environ/environ.py", line 392, in get_value
    raise ImproperlyConfigured(error_msg) from exc
django.core.exceptions.ImproperlyConfigured: Set the DATABASE_URL environment variable`);
  assert.equal(sig.class, 'env-var-missing');
  assert.deepEqual(sig.details, { variable: 'DATABASE_URL' });
});

test('Node: Missing required env var', () => {
  const sig = classifyLog(`/app/src/config.js:7
    throw new Error(\`Missing required env var \${name}\`);
    ^

Error: Missing required env var STRIPE_API_KEY
    at required (/app/src/config.js:7:11)`);
  assert.equal(sig.class, 'env-var-missing');
  assert.deepEqual(sig.details, { variable: 'STRIPE_API_KEY' });
});

test("envalid's Missing environment variables block", () => {
  const sig = classifyLog(`================================
 Missing environment variables:
    MONGO_URI: undefined
    JWT_SECRET: undefined

 Exiting with error code 1
================================`);
  assert.equal(sig.class, 'env-var-missing');
  assert.deepEqual(sig.details, { variable: 'MONGO_URI', variables: 'MONGO_URI,JWT_SECRET' });
});

test("t3-env / zod: '❌ Invalid environment variables' with the issue paths", () => {
  const sig = classifyLog(`❌ Invalid environment variables: [
  {
    code: 'invalid_type',
    expected: 'string',
    received: 'undefined',
    path: [ 'DATABASE_URL' ],
    message: 'Required'
  }
]
Error: Invalid environment variables
    at onValidationError (file:///app/node_modules/@t3-oss/env-core/dist/index.js:25:15)`);
  assert.equal(sig.class, 'env-var-missing');
  assert.deepEqual(sig.details, { variable: 'DATABASE_URL' });
});

test('Prisma: Environment variable not found', () => {
  const sig = classifyLog(
    `Error: Prisma schema validation - (get-config wasm)
Error code: P1012
error: Environment variable not found: DATABASE_URL.
  -->  prisma/schema.prisma:10
   |
  9 |   provider = "postgresql"
 10 |   url      = env("DATABASE_URL")`,
    'build',
  );
  assert.equal(sig.class, 'env-var-missing');
  assert.deepEqual(sig.details, { variable: 'DATABASE_URL' });
});

test('python-decouple: UndefinedValueError', () => {
  const sig = classifyLog(
    'decouple.UndefinedValueError: SECRET_KEY not found. Declare it as envvar or define a default value.',
  );
  assert.equal(sig.class, 'env-var-missing');
  assert.deepEqual(sig.details, { variable: 'SECRET_KEY' });
});

test("a missing config file the app opens: FileNotFoundError … 'config.json'", () => {
  const sig = classifyLog(`Traceback (most recent call last):
  File "/repo/app.py", line 4, in <module>
    with open("config.json") as f:
FileNotFoundError: [Errno 2] No such file or directory: 'config.json'`);
  assert.equal(sig.class, 'env-var-missing');
  assert.deepEqual(sig.details, { file: 'config.json' });
  assert.equal(sig.fixable, true);
});

test('Node: ENOENT opening settings.yaml is a missing config file; a data file is not', () => {
  const cfg = classifyLog("Error: ENOENT: no such file or directory, open 'conf/settings.yaml'");
  assert.deepEqual([cfg.class, cfg.details.file], ['env-var-missing', 'conf/settings.yaml']);
  const data = classifyLog("Error: ENOENT: no such file or directory, open 'data/users.csv'");
  assert.notEqual(data.class, 'env-var-missing');
});
