import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseImageRef, versionOfTag } from './image-ref.js';

test('parseImageRef drops registry, library/ and digest', () => {
  assert.deepEqual(parseImageRef('docker.io/library/postgres:16-alpine'), {
    name: 'postgres',
    tag: '16-alpine',
  });
  assert.deepEqual(parseImageRef('postgis/postgis:16-3.4'), {
    name: 'postgis/postgis',
    tag: '16-3.4',
  });
  assert.deepEqual(parseImageRef('localhost:5000/redis'), { name: 'redis' });
  assert.deepEqual(parseImageRef('redis@sha256:abc'), { name: 'redis' });
  assert.deepEqual(parseImageRef('ghcr.io/acme/api:1.2'), { name: 'acme/api', tag: '1.2' });
});

test('versionOfTag takes the leading version', () => {
  assert.equal(versionOfTag('16-alpine'), '16');
  assert.equal(versionOfTag('8.0.36-debian'), '8.0.36');
  assert.equal(versionOfTag('latest'), undefined);
  assert.equal(versionOfTag(undefined), undefined);
});
