import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { InstallSpec } from '../model/plan.js';
import { MARKER_NAME, installHash, readMarker, writeMarker } from './install-marker.js';

const spec = (over: Partial<InstallSpec> = {}): InstallSpec => ({
  isolation: 'venv',
  dir: '.venv',
  manifests: ['requirements.txt', 'pyproject.toml'],
  steps: [
    {
      argv: ['python3', '-m', 'venv', '.venv'],
      cwd: '.',
      env: {},
      description: 'create the virtualenv',
    },
    {
      argv: ['.venv/bin/pip', 'install', '-r', 'requirements.txt'],
      cwd: '.',
      env: {},
      description: 'install requirements',
    },
  ],
  ...over,
});

const TOOLCHAIN = 'python 3.11.2';

describe('installHash', () => {
  let repo: string;

  beforeEach(() => {
    repo = mkdtempSync(path.join(os.tmpdir(), 'rr-marker-'));
    writeFileSync(path.join(repo, 'requirements.txt'), 'flask==3.0.0\n');
  });

  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  const hash = (over?: Partial<InstallSpec>, toolchain = TOOLCHAIN) =>
    installHash(repo, spec(over), toolchain);

  it('is a stable sha256 hex digest', () => {
    const h = hash();
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(hash(), h);
  });

  it('does not depend on the order manifests are listed in', () => {
    assert.equal(hash({ manifests: ['pyproject.toml', 'requirements.txt'] }), hash());
  });

  it('changes when a manifest changes, and comes back when the change is undone', () => {
    const before = hash();
    writeFileSync(path.join(repo, 'requirements.txt'), 'flask==3.0.1\n');
    assert.notEqual(hash(), before);
    writeFileSync(path.join(repo, 'requirements.txt'), 'flask==3.0.0\n');
    assert.equal(hash(), before);
  });

  it('changes when a manifest appears and when it disappears', () => {
    const missing = hash();
    writeFileSync(path.join(repo, 'pyproject.toml'), '');
    const empty = hash();
    assert.notEqual(empty, missing, 'an empty file is not a missing one');
    writeFileSync(path.join(repo, 'pyproject.toml'), '[project]\nname = "x"\n');
    const present = hash();
    assert.notEqual(present, empty);
    rmSync(path.join(repo, 'pyproject.toml'));
    assert.equal(hash(), missing);
  });

  it('changes when the toolchain changes', () => {
    assert.notEqual(hash({}, 'python 3.12.1'), hash());
  });

  it('changes when the install steps or the install dir change', () => {
    const base = spec();
    const steps = [base.steps[0]!, { ...base.steps[1]!, argv: ['pip', 'install', '-U', '.'] }];
    assert.notEqual(hash({ steps }), hash());
    assert.notEqual(hash({ dir: 'venv' }), hash());
  });

  it('tells which manifest holds which bytes (moving content between files changes it)', () => {
    writeFileSync(path.join(repo, 'pyproject.toml'), 'B');
    writeFileSync(path.join(repo, 'requirements.txt'), 'A');
    const ab = hash();
    writeFileSync(path.join(repo, 'pyproject.toml'), 'A');
    writeFileSync(path.join(repo, 'requirements.txt'), 'B');
    assert.notEqual(hash(), ab);
  });

  it('reads manifests relative to the repository, including in subfolders', () => {
    mkdirSync(path.join(repo, 'api'));
    writeFileSync(path.join(repo, 'api', 'requirements.txt'), 'fastapi\n');
    const sub = hash({ manifests: ['api/requirements.txt'] });
    writeFileSync(path.join(repo, 'api', 'requirements.txt'), 'fastapi==0.110\n');
    assert.notEqual(hash({ manifests: ['api/requirements.txt'] }), sub);
  });
});

describe('install marker file', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rr-marker-dir-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips the hash, replacing an older marker, leaving only the marker file', () => {
    writeMarker(dir, 'a'.repeat(64));
    writeMarker(dir, 'b'.repeat(64));
    assert.equal(readMarker(dir), 'b'.repeat(64));
    assert.deepEqual(readdirSync(dir), [MARKER_NAME]);
  });

  it('creates the install dir when it does not exist yet', () => {
    const venv = path.join(dir, '.venv');
    writeMarker(venv, 'c'.repeat(64));
    assert.equal(readMarker(venv), 'c'.repeat(64));
  });

  it('reads null when there is no marker, or the marker is not what we wrote', () => {
    assert.equal(readMarker(dir), null);
    assert.equal(readMarker(path.join(dir, 'missing')), null);
    for (const garbage of ['not json {', '', '[]', 'null', '{"hash": 42}', '{"other": "x"}']) {
      writeFileSync(path.join(dir, MARKER_NAME), garbage);
      assert.equal(readMarker(dir), null, `marker ${JSON.stringify(garbage)}`);
    }
  });
});
