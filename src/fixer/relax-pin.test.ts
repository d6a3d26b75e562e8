import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRunContext } from '../core/run-context.js';
import type { ServiceSpec } from '../model/plan.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../model/store.js';
import { relaxedRequirementsArgv } from './relax-pin.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-relax-'));
let store: Store;
before(async () => void (store = await openSqliteStore(':memory:')));
after(async () => {
  await store.close();
  rmSync(tmp, { recursive: true, force: true });
});

let n = 0;
const PIP = ['.venv/bin/python', '-m', 'pip', 'install', '-r', 'requirements.txt'];

/** A repository with `requirements` in `root`, and a context whose only service installs from it. */
function setup(requirements: string | null, root = '.', argv = PIP) {
  const repo = path.join(tmp, `repo-${++n}`);
  mkdirSync(path.join(repo, root), { recursive: true });
  const file = path.join(repo, root, 'requirements.txt');
  if (requirements !== null) writeFileSync(file, requirements);
  const cmd = (a: string[]) => ({ argv: a, cwd: root, env: {}, description: 'x' });
  const svc: ServiceSpec = {
    ...{ name: 'web', provider: 'python', framework: null, root, protocol: 'http' },
    install: { isolation: 'venv', dir: '.venv', manifests: [], steps: [cmd(argv)] },
    ...{ build: [], start: cmd(['python', 'app.py']), healthPath: null, env: {}, evidence: [] },
  };
  const runId = `run-${n}`;
  const ctx = createRunContext({
    ...{ runId, source: repo, home: tmp, runDir: path.join(tmp, runId), store },
    state: { workspace: { repoPath: repo, kind: 'local', commit: null } },
    env: {},
  });
  return { ctx, svc, file };
}

/** The relaxed copy's lines for `pkg`, checking the argv points at it and the original is intact. */
function relax(requirements: string, pkg: string): string[] | null {
  const { ctx, svc, file } = setup(requirements);
  const argv = relaxedRequirementsArgv(ctx, svc, pkg);
  assert.equal(readFileSync(file, 'utf8'), requirements, "the user's file is not touched");
  if (!argv) return null;
  const copy = path.join(ctx.runDir, 'fixes', 'requirements-web.txt');
  assert.deepEqual(argv, [...PIP.slice(0, -1), copy]);
  return readFileSync(copy, 'utf8').split('\n');
}

describe('relaxedRequirementsArgv', () => {
  it('drops every version constraint of the package, keeping extras', () => {
    assert.deepEqual(relax('flask==99.0', 'flask'), ['flask']);
    assert.deepEqual(relax('uvicorn[standard]==0.99.0', 'uvicorn'), ['uvicorn[standard]']);
    assert.deepEqual(relax('  django>=4.2,<5.0', 'django'), ['django']);
    assert.deepEqual(relax('numpy~=1.26.0', 'numpy'), ['numpy']);
  });

  it('keeps environment markers and comments, separated as pip needs', () => {
    assert.deepEqual(relax('pkg==1.0; python_version < "3.12"', 'pkg'), [
      'pkg ; python_version < "3.12"',
    ]);
    // pip strips a comment only after whitespace: `six# pinned` is an invalid requirement.
    assert.deepEqual(relax('six==99.0  # pinned for py2', 'six'), ['six # pinned for py2']);
  });

  it('leaves every other line as it was', () => {
    const others = [
      '# web',
      '-e .',
      '--index-url https://pypi.org/simple',
      'flask-cors==4.0.0',
      'requests==2.31.0 ; python_version >= "3.8"',
      '',
    ];
    const lines = relax(['Flask==99.0', ...others].join('\n'), 'flask');
    assert.deepEqual(lines, ['Flask', ...others]);
  });

  it('points nested -r / -c files at the repository, since the copy lives elsewhere', () => {
    const { ctx, svc, file } = setup('-r base.txt\n-c constraints.txt\nflask==99.0\n');
    const argv = relaxedRequirementsArgv(ctx, svc, 'flask');
    const copy = readFileSync(String(argv?.at(-1)), 'utf8').split('\n');
    const dir = path.dirname(file);
    assert.deepEqual(copy.slice(0, 3), [
      `-r ${path.join(dir, 'base.txt')}`,
      `-c ${path.join(dir, 'constraints.txt')}`,
      'flask',
    ]);
  });

  it('compares names PEP 503-normalised', () => {
    assert.deepEqual(relax('Zope_Interface==99\nzope-event==5', 'zope.interface'), [
      'Zope_Interface',
      'zope-event==5',
    ]);
    assert.deepEqual(relax('typing-extensions==99', 'TYPING__EXTENSIONS'), ['typing-extensions']);
  });

  it('returns null, writing nothing, when no line pins the package', () => {
    assert.equal(relax('flask\nrequests==2.31.0\n', 'flask'), null, 'flask is not pinned');
    assert.equal(relax('requests==2.31.0\n', 'flask'), null);
    assert.equal(relax('flask-cors==4.0\n', 'flask'), null, 'a longer name is another package');
    const { ctx, svc } = setup('requests==2.31.0\n');
    relaxedRequirementsArgv(ctx, svc, 'flask');
    assert.equal(existsSync(path.join(ctx.runDir, 'fixes')), false);
  });

  it('reads the file relative to the install step, and needs one', () => {
    const sub = setup('flask==99\n', 'backend');
    const argv = relaxedRequirementsArgv(sub.ctx, sub.svc, 'flask');
    assert.equal(readFileSync(argv?.at(-1) ?? '', 'utf8'), 'flask\n');
    const missing = setup(null);
    assert.equal(relaxedRequirementsArgv(missing.ctx, missing.svc, 'flask'), null);
    const noFile = setup('flask==99\n', '.', ['.venv/bin/python', '-m', 'pip', 'install', '.']);
    assert.equal(relaxedRequirementsArgv(noFile.ctx, noFile.svc, 'flask'), null);
  });
});
