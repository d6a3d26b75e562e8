import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { hostVariable } from './host-variable.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-hostvar-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

function repo(files: Record<string, string>): string {
  const dir = path.join(tmp, `r${++n}`);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

test('finds the variable whose default is the announced host, in Node and Python', () => {
  assert.equal(
    hostVariable(repo({ 'server.js': "const b = process.env.BIND_ADDR || '::1';" }), '::1'),
    'BIND_ADDR',
  );
  assert.equal(
    hostVariable(
      repo({ 'src/app.py': 'host = os.environ.get("LISTEN_HOST", "10.1.2.3")' }),
      '10.1.2.3',
    ),
    'LISTEN_HOST',
  );
  assert.equal(
    hostVariable(repo({ 'a.ts': "const h = process.env['ADDR'] ?? '::1'" }), '::1'),
    'ADDR',
  );
});

test('no guess: nothing, another default, several candidates, or only in node_modules', () => {
  assert.equal(hostVariable(repo({ 'server.js': "listen(3000, '::1')" }), '::1'), null);
  assert.equal(hostVariable(repo({ 'server.js': "process.env.BIND || '0.0.0.0'" }), '::1'), null);
  const two = repo({ 'a.js': "process.env.A || '::1'", 'b.js': "process.env.B || '::1'" });
  assert.equal(hostVariable(two, '::1'), null);
  assert.equal(
    hostVariable(repo({ 'node_modules/x/index.js': "process.env.X || '::1'" }), '::1'),
    null,
  );
});
