import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createStaticServer, isHiddenPath } from './static-server.js';

interface Answer {
  status: number;
  type: string | undefined;
  body: string;
}

/** Sends the raw request target as given (no client-side `..` normalisation, unlike fetch). */
function get(server: Server, target: string, method = 'GET'): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: target, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function listen(dir: string, spa: boolean): Promise<Server> {
  const server = createStaticServer(dir, { spa });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

let base: string;
let site: string;
let plain: Server;
let spa: Server;

before(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'rr-static-'));
  site = path.join(base, 'site');
  await mkdir(path.join(site, 'docs'), { recursive: true });
  await mkdir(path.join(site, '.git'));
  await writeFile(path.join(base, 'secret.txt'), 'outside');
  await writeFile(path.join(site, 'index.html'), '<h1>home</h1>');
  await writeFile(path.join(site, 'style.css'), 'h1 { color: red }');
  await writeFile(path.join(site, 'app.js'), 'console.log(1)');
  await writeFile(path.join(site, 'docs', 'index.html'), '<h1>docs</h1>');
  await writeFile(path.join(site, '.env'), 'SECRET=1');
  await writeFile(path.join(site, '.git', 'config'), '[core]');
  plain = await listen(site, false);
  spa = await listen(site, true);
});

after(async () => {
  plain.close();
  spa.close();
  await rm(base, { recursive: true, force: true });
});

test('serves files with their content type, index.html for / and for directories', async () => {
  const home = await get(plain, '/');
  assert.equal(home.status, 200);
  assert.equal(home.type, 'text/html;charset=utf-8');
  assert.equal(home.body, '<h1>home</h1>');
  const css = await get(plain, '/style.css');
  assert.equal(css.status, 200);
  assert.equal(css.type, 'text/css');
  assert.equal((await get(plain, '/app.js')).type, 'text/javascript');
  assert.equal((await get(plain, '/docs/')).body, '<h1>docs</h1>');
  assert.equal((await get(plain, '/docs')).body, '<h1>docs</h1>');
  assert.equal((await get(plain, '/style.css?v=2')).status, 200);
});

test('unknown paths are 404; 404.html is used when present', async () => {
  assert.equal((await get(plain, '/nope')).status, 404);
  await writeFile(path.join(site, '404.html'), '<h1>lost</h1>');
  try {
    const missing = await get(plain, '/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body, '<h1>lost</h1>');
  } finally {
    await rm(path.join(site, '404.html'));
  }
});

test('spa mode answers client routes with index.html but keeps missing assets 404', async () => {
  const route = await get(spa, '/users/42');
  assert.equal(route.status, 200);
  assert.equal(route.body, '<h1>home</h1>');
  assert.equal((await get(spa, '/missing.js')).status, 404);
  assert.equal((await get(spa, '/style.css')).body, 'h1 { color: red }');
});

test('refuses path traversal and dotfiles, encoded or not, in both modes', async () => {
  for (const server of [plain, spa]) {
    for (const target of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/docs/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/.env',
      '/.git/config',
      '/%E0%A4%A',
    ]) {
      const answer = await get(server, target);
      assert.equal(answer.status, 404, target);
      assert.doesNotMatch(answer.body, /outside|SECRET|core|home/, target);
    }
  }
});

test('only GET and HEAD', async () => {
  assert.equal((await get(plain, '/', 'POST')).status, 405);
  const head = await get(plain, '/style.css', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
});

test('isHiddenPath', () => {
  assert.equal(isHiddenPath('/a/b.css'), false);
  assert.equal(isHiddenPath('/.well-known/security.txt'), false);
  assert.equal(isHiddenPath('/a/../b'), true);
  assert.equal(isHiddenPath('/a%2F..%2Fb'), true);
  assert.equal(isHiddenPath('/x?next=/../y'), false);
});
