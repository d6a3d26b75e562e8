import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePort } from './ports.js';

test('parsePort reads the short syntax', () => {
  assert.deepEqual(parsePort('8080:80'), { target: 80, published: 8080 });
  assert.deepEqual(parsePort('127.0.0.1:8080:80'), { target: 80, published: 8080 });
  assert.deepEqual(parsePort('[::1]:8080:80/tcp'), { target: 80, published: 8080 });
  assert.deepEqual(parsePort('127.0.0.1::80'), { target: 80 });
  assert.deepEqual(parsePort('80'), { target: 80 });
  assert.deepEqual(parsePort(3000), { target: 3000 });
  assert.deepEqual(parsePort('9090-9091:8080-8081'), { target: 8080, published: 9090 });
  assert.equal(parsePort('http'), null);
  assert.equal(parsePort('70000'), null);
});

test('parsePort reads the long syntax', () => {
  assert.deepEqual(parsePort({ target: '80', published: '8080' }), { target: 80, published: 8080 });
  assert.deepEqual(parsePort({ target: '5432' }), { target: 5432 });
});
