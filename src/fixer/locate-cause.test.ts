import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildIndex } from '../index/indexer.js';
import { causeTerm, describeLocations, locateCause } from './locate-cause.js';

describe('locateCause', () => {
  let root: string;
  let dir: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'rr-locate-repo-'));
    dir = await mkdtemp(path.join(tmpdir(), 'rr-locate-idx-'));
    const files: Record<string, string> = {
      'README.md': '# Blog\n\nSet SECRET_KEY before you start; the app listens on 8000.\n',
      'blog/settings.py': [
        'import os',
        'from pathlib import Path',
        '',
        'BASE_DIR = Path(__file__).parent',
        'DEBUG = False',
        "SECRET_KEY = os.environ['SECRET_KEY']",
        "ALLOWED_HOSTS = ['*']",
        '',
      ].join('\n'),
      'blog/views.py': 'import flask_cors\nfrom flask import Flask\n\napp = Flask(__name__)\n',
      'server.js':
        "const app = require('express')();\napp.listen(8000, () => console.log('up'));\n",
    };
    for (const [name, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, name)), { recursive: true });
      await writeFile(path.join(root, name), content);
    }
    await buildIndex({ root, dir });
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the line that reads a missing variable before the README that mentions it', () => {
    const sig = { details: { variable: 'SECRET_KEY' } };
    const found = locateCause(dir, sig);
    assert.equal(found[0]?.path, 'blog/settings.py');
    assert.equal(found[0]?.line, 6);
    assert.equal(found[0]?.text, "SECRET_KEY = os.environ['SECRET_KEY']");
    assert.ok(found[0]!.chunk.content.includes('SECRET_KEY'));
    assert.equal(found.at(-1)?.path, 'README.md');
    assert.equal(
      describeLocations(sig, found.slice(0, 1)),
      '`SECRET_KEY` is read in blog/settings.py:6',
    );
  });

  it('finds where a missing module is imported and where a port is listened on', () => {
    assert.deepEqual(
      locateCause(dir, { details: { module: 'flask_cors' } }).map((l) => `${l.path}:${l.line}`),
      ['blog/views.py:1'],
    );
    const port = locateCause(dir, { details: { port: '8000' } });
    assert.equal(`${port[0]?.path}:${port[0]?.line}`, 'server.js:2');
  });

  it('answers nothing, without throwing, when there is no index, no term or no match', () => {
    assert.deepEqual(locateCause(null, { details: { variable: 'X' } }), []);
    assert.deepEqual(locateCause(path.join(dir, 'nope'), { details: { variable: 'X' } }), []);
    assert.deepEqual(locateCause(dir, { details: {} }), []);
    assert.deepEqual(locateCause(dir, { details: { variable: 'NEVER_USED_ANYWHERE' } }), []);
    assert.equal(causeTerm({ details: {} }), null);
    assert.equal(describeLocations({ details: { variable: 'X' } }, []), null);
  });
});
