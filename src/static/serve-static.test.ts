import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parseServeArgs } from './serve-static.js';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'serve-static.ts');

test('parseServeArgs: flags, then PORT/HOST env, then defaults', () => {
  assert.deepEqual(parseServeArgs(['dist', '--port', '5000', '--host', '0.0.0.0', '--spa'], {}), {
    dir: 'dist',
    port: 5000,
    host: '0.0.0.0',
    spa: true,
  });
  assert.deepEqual(parseServeArgs(['.'], { PORT: '7000', HOST: '::1' }), {
    dir: '.',
    port: 7000,
    host: '::1',
    spa: false,
  });
  assert.equal(parseServeArgs(['.'], {}).port, 8080);
  assert.throws(() => parseServeArgs([], {}), /one directory/);
  assert.throws(() => parseServeArgs(['.', '--port', '80x'], {}), /invalid port/);
  assert.throws(() => parseServeArgs(['.', '--port', '70000'], {}), /invalid port/);
});

test('the CLI serves a directory on port 0 and exits 0 on SIGTERM', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-serve-'));
  await writeFile(path.join(dir, 'index.html'), '<p>Hello from the CLI</p>');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, dir, '--port', '0', '--host', '127.0.0.1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    let out = '';
    child.stdout.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const match = /on (http:\/\/\S+)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code} before listening`)));
    });
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '<p>Hello from the CLI</p>');
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code, signal] = (await exited) as [number | null, string | null];
    assert.equal(signal, null);
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

test('the CLI exits 2 on a missing directory', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', script, '/nonexistent-rr-dir'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 2);
});
