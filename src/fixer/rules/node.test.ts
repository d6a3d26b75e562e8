import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyLog } from '../failures.test-kit.js';

test("Node CJS: Error: Cannot find module 'express' with its require stack", () => {
  const sig = classifyLog(`node:internal/modules/cjs/loader:1080
  throw err;
  ^

Error: Cannot find module 'express'
Require stack:
- /app/server.js
    at Module._resolveFilename (node:internal/modules/cjs/loader:1077:15)
    at Module._load (node:internal/modules/cjs/loader:922:27)
    at Module.require (node:internal/modules/cjs/loader:1143:19)
    at require (node:internal/modules/cjs/helpers:119:18)
    at Object.<anonymous> (/app/server.js:1:17) {
  code: 'MODULE_NOT_FOUND',
  requireStack: [ '/app/server.js' ]
}

Node.js v20.11.0`);
  assert.equal(sig.class, 'node-module-missing');
  assert.deepEqual(sig.details, { module: 'express', package: 'express' });
  assert.equal(sig.ecosystem, 'node');
  assert.equal(sig.fixable, true);
});

test('Node ESM: ERR_MODULE_NOT_FOUND for a scoped package', () => {
  const sig = classifyLog(`node:internal/errors:496
    ErrorCaptureStackTrace(err);
    ^

Error [ERR_MODULE_NOT_FOUND]: Cannot find package '@nestjs/core' imported from /app/dist/main.js
    at new NodeError (node:internal/errors:405:5)
    at packageResolve (node:internal/modules/esm/resolve:916:9) {
  code: 'ERR_MODULE_NOT_FOUND'
}`);
  assert.equal(sig.class, 'node-module-missing');
  assert.deepEqual(sig.details, { module: '@nestjs/core', package: '@nestjs/core' });
});

test('a subpath import names its package', () => {
  const sig = classifyLog("Error: Cannot find module 'lodash/merge'");
  assert.deepEqual(sig.details, { module: 'lodash/merge', package: 'lodash' });
});

test("webpack's Module not found: Can't resolve 'axios'", () => {
  const sig = classifyLog(
    `ERROR in ./src/api.js 1:0-26
Module not found: Error: Can't resolve 'axios' in '/app/src'`,
    'build',
  );
  assert.equal(sig.class, 'node-module-missing');
  assert.equal(sig.details.package, 'axios');
});

test("a missing './dist' file is build-output-missing, not a package", () => {
  const sig = classifyLog(`node:internal/modules/cjs/loader:1080
  throw err;
  ^

Error: Cannot find module '/app/dist/main.js'
    at Module._resolveFilename (node:internal/modules/cjs/loader:1077:15)
    at node:internal/main/run_main_module:23:47 {
  code: 'MODULE_NOT_FOUND',
  requireStack: []
}`);
  assert.equal(sig.class, 'build-output-missing');
  assert.deepEqual(sig.details, { path: '/app/dist/main.js' });
});

test('a missing relative source file is neither a package nor build output', () => {
  const sig = classifyLog("Error: Cannot find module './routes/users'");
  assert.equal(sig.class, 'unknown');
});

test('Next.js without a build is build-output-missing', () => {
  const sig = classifyLog(
    "Error: Could not find a production build in the '.next' directory. Try building your app with 'next build' before starting the production server. https://nextjs.org/docs/messages/production-start-no-build-id",
  );
  assert.equal(sig.class, 'build-output-missing');
  assert.deepEqual(sig.details, { path: '.next', framework: 'next' });
});

test('npm engine-strict EBADENGINE gives wanted and found', () => {
  const sig = classifyLog(
    `npm ERR! code EBADENGINE
npm ERR! engine Unsupported engine
npm ERR! engine Not compatible with your version of node/npm: vite@5.4.0
npm ERR! notsup Not compatible with your version of node/npm: vite@5.4.0
npm ERR! notsup Required: {"node":"^18.0.0 || >=20.0.0"}
npm ERR! notsup Actual:   {"npm":"8.19.4","node":"v16.20.2"}`,
    'dependencies',
  );
  assert.equal(sig.class, 'node-version-mismatch');
  assert.deepEqual(sig.details, {
    wanted: '^18.0.0 || >=20.0.0',
    found: 'v16.20.2',
    package: 'vite@5.4.0',
  });
});

test("npm's EBADENGINE warning block", () => {
  const sig = classifyLog(
    `npm warn EBADENGINE Unsupported engine {
npm warn EBADENGINE   package: 'next@15.0.0',
npm warn EBADENGINE   required: { node: '^18.18.0 || ^19.8.0 || >= 20.0.0' },
npm warn EBADENGINE   current: { node: 'v16.20.2', npm: '8.19.4' }
npm warn EBADENGINE }`,
    'dependencies',
  );
  assert.equal(sig.class, 'node-version-mismatch');
  assert.deepEqual(sig.details, {
    wanted: '^18.18.0 || ^19.8.0 || >= 20.0.0',
    found: 'v16.20.2',
    package: 'next@15.0.0',
  });
});

test('yarn: The engine "node" is incompatible with this module', () => {
  const sig = classifyLog(
    'error vite@5.4.0: The engine "node" is incompatible with this module. Expected version "^18.0.0 || >=20.0.0". Got "16.20.2"',
    'dependencies',
  );
  assert.equal(sig.class, 'node-version-mismatch');
  assert.deepEqual(sig.details, { wanted: '^18.0.0 || >=20.0.0', found: '16.20.2' });
});

test("Next.js's own Node version check", () => {
  const sig = classifyLog(
    'You are using Node.js 16.20.2. For Next.js, Node.js version >= v18.17.0 is required.',
  );
  assert.equal(sig.class, 'node-version-mismatch');
  assert.deepEqual(sig.details, { found: '16.20.2', wanted: '>=18.17.0' });
});

test("SyntaxError: Unexpected token '??=' is an old Node, not a broken app", () => {
  const sig = classifyLog(`/app/node_modules/lru-cache/dist/cjs/index.js:1042
        this.#autopurgeTimers ??= new Map();
                              ^^^

SyntaxError: Unexpected token '??='
    at internalCompileFunction (node:internal/vm:76:18)`);
  assert.equal(sig.class, 'node-version-mismatch');
  assert.deepEqual(sig.details, { token: '??=', wanted: '>=15' });
});

test('ReferenceError: fetch is not defined means Node < 18', () => {
  const sig = classifyLog(`/app/index.js:4
const res = await fetch(url);
ReferenceError: fetch is not defined`);
  assert.equal(sig.class, 'node-version-mismatch');
  assert.deepEqual(sig.details, { global: 'fetch', wanted: '>=18' });
});

test("a SyntaxError in the app's own file is syntax-error-in-app", () => {
  const sig = classifyLog(`/app/server.js:12
  app.get('/', (req, res) => {
                             ^

SyntaxError: Unexpected token '}'
    at internalCompileFunction (node:internal/vm:73:18)
    at wrapSafe (node:internal/modules/cjs/loader:1178:20)

Node.js v20.11.0`);
  assert.equal(sig.class, 'syntax-error-in-app');
  assert.deepEqual(sig.details, {
    file: '/app/server.js',
    line: '12',
    message: "Unexpected token '}'",
  });
  assert.equal(sig.fixable, false);
});

test('a tsc syntax error (TS1005) is syntax-error-in-app', () => {
  const sig = classifyLog("src/index.ts(3,5): error TS1005: ';' expected.", 'build');
  assert.equal(sig.class, 'syntax-error-in-app');
  assert.deepEqual(sig.details, {
    file: 'src/index.ts',
    line: '3',
    message: "TS1005: ';' expected.",
  });
});

test('a JSON.parse SyntaxError is bad data, not bad code', () => {
  const sig = classifyLog(`SyntaxError: Unexpected token '<', "<!DOCTYPE "... is not valid JSON
    at JSON.parse (<anonymous>)`);
  assert.equal(sig.class, 'unknown');
});

test('npm ERESOLVE is node-dependency-conflict with the peer that failed', () => {
  const sig = classifyLog(
    `npm ERR! code ERESOLVE
npm ERR! ERESOLVE unable to resolve dependency tree
npm ERR!
npm ERR! While resolving: my-app@0.1.0
npm ERR! Found: react@18.2.0
npm ERR! node_modules/react
npm ERR!   react@"^18.2.0" from the root project
npm ERR!
npm ERR! Could not resolve dependency:
npm ERR! peer react@"^17.0.0" from react-beautiful-dnd@13.1.1
npm ERR! node_modules/react-beautiful-dnd
npm ERR!   react-beautiful-dnd@"^13.1.1" from the root project
npm ERR!
npm ERR! Fix the upstream dependency conflict, or retry
npm ERR! this command with --force or --legacy-peer-deps
npm ERR! to accept an incorrect (and potentially broken) dependency resolution.`,
    'dependencies',
  );
  assert.equal(sig.class, 'node-dependency-conflict');
  assert.deepEqual(sig.details, {
    manager: 'npm',
    root: 'my-app@0.1.0',
    peer: 'react',
    wanted: '^17.0.0',
    requiredBy: 'react-beautiful-dnd@13.1.1',
  });
});

test("npm ci's usage text naming --legacy-peer-deps is not a peer conflict (a stale lock is)", () => {
  const sig = classifyLog(`npm error code EUSAGE
npm error
npm error \`npm ci\` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file with \`npm install\` before continuing.
npm error
npm error Missing: bytes@3.1.2 from lock file
npm error
npm error Clean install a project
npm error   --strict-peer-deps
npm error     If set to \`true\`, and \`--legacy-peer-deps\` is not set, then _any_
npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log`);
  assert.equal(sig.class, 'lockfile-out-of-sync');
});
