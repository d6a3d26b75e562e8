import assert from 'node:assert/strict';
import { test } from 'node:test';
import { moduleBaseName, parseGoMod } from './go-mod.js';

test('parseGoMod: module, go, toolchain, require lines and blocks, indirect markers', () => {
  const mod = parseGoMod(
    [
      '// a comment',
      'module "example.com/app" // quoted',
      'go 1.22.3',
      'toolchain go1.23.1',
      'require example.com/one v1.0.0',
      'require (',
      '\texample.com/two v0.2.0 // indirect',
      '',
      '\texample.com/three v3.0.0+incompatible',
      ')',
      'replace example.com/one => ../one',
      'exclude (',
      '\texample.com/bad v0.0.1',
      ')',
    ].join('\r\n'),
  );
  assert.deepEqual(mod, {
    module: 'example.com/app',
    goVersion: '1.22.3',
    toolchain: 'go1.23.1',
    requires: [
      { path: 'example.com/one', version: 'v1.0.0', indirect: false },
      { path: 'example.com/two', version: 'v0.2.0', indirect: true },
      { path: 'example.com/three', version: 'v3.0.0+incompatible', indirect: false },
    ],
  });
  assert.deepEqual(parseGoMod(''), {
    module: null,
    goVersion: null,
    toolchain: null,
    requires: [],
  });
});

test('moduleBaseName: last element, skipping a major-version suffix', () => {
  assert.equal(moduleBaseName('github.com/acme/shop'), 'shop');
  assert.equal(moduleBaseName('github.com/acme/shop/v3'), 'shop');
  assert.equal(moduleBaseName('v2'), 'v2');
  assert.equal(moduleBaseName(''), '');
});
