import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRunContext } from '../core/run-context.js';
import { RepoRunnerError } from '../model/errors.js';
import type { ServiceSpec } from '../model/plan.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../model/store.js';
import { fixPrompt } from './model-fixes.js';
import type { ErrorSignature } from './signature.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-prompt-'));
const repo = path.join(tmp, 'repo');
const outside = path.join(tmp, 'outside');
let store: Store;

/** Each file's content is a marker naming it, so the prompt shows which files it carries. */
const FILES = {
  'early.py': 'EARLY_PY',
  'app.py': 'APP_PY',
  'config.py': `CONFIG_PY${'x'.repeat(5000)}`,
  'settings.py': 'SETTINGS_PY',
  'extra.py': 'EXTRA_PY',
  'node_modules/pkg/index.js': 'NODE_MODULES_JS',
  '.venv/lib/site.py': 'VENV_PY',
};

before(async () => {
  store = await openSqliteStore(':memory:');
  for (const [f, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
    writeFileSync(path.join(repo, f), text);
  }
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.py'), 'OUTSIDE_PY');
  symlinkSync(path.join(outside, 'secret.py'), path.join(repo, 'linked.py'));
});
after(async () => {
  await store.close();
  rmSync(tmp, { recursive: true, force: true });
});

const cmd = (argv: string[]) => ({ argv, cwd: '.', env: {}, description: 'x' });
const web: ServiceSpec = {
  ...{ name: 'web', provider: 'python', framework: 'flask', root: '.', protocol: 'http' },
  install: {
    isolation: 'venv',
    dir: '.venv',
    manifests: [],
    steps: [cmd(['pip', 'install', '-r', 'requirements.txt'])],
  },
  ...{ build: [], start: cmd(['.venv/bin/flask', 'run']), healthPath: null, env: {}, evidence: [] },
};

const sig: ErrorSignature = {
  ...{ class: 'python-module-missing', phase: 'health', service: 'web', ecosystem: 'python' },
  ...{ details: { module: 'redis' }, fixable: true },
  evidence: "ModuleNotFoundError: No module named 'redis'",
};

/** The prompt for a log of `message` lines and a health log tail of `tail` lines. */
function prompt(message: string[], tail: string[]): string {
  const ctx = createRunContext({
    ...{ runId: 'run-1', source: repo, home: tmp, runDir: path.join(tmp, 'run-1'), store },
    state: {
      workspace: { repoPath: repo, kind: 'local', commit: null },
      plan: { ecosystems: ['python'], services: [web], warnings: [] },
      health: [{ service: 'web', health: 'unhealthy', url: null, detail: 'x', logTail: tail }],
    },
    env: {},
  });
  return fixPrompt(ctx, sig, new RepoRunnerError('UNHEALTHY', message.join('\n')));
}

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `log line #${from + i}#`);

describe('fixPrompt', () => {
  it("carries the plan's services, the failed phase, the class and the evidence", () => {
    const text = prompt(['web: not healthy'], []);
    const services = /^Repository services: (.*)$/m.exec(text)?.[1] ?? '';
    assert.deepEqual(JSON.parse(services), [
      {
        ...{ name: 'web', provider: 'python', framework: 'flask', root: '.' },
        ...{
          install: ['pip install -r requirements.txt'],
          build: [],
          start: '.venv/bin/flask run',
        },
      },
    ]);
    assert.match(text, /^Failed phase: health \(service web\)$/m);
    const classified = `Classified as: python-module-missing {"module":"redis"}; evidence: ${sig.evidence}`;
    assert.ok(text.includes(classified), text);
  });

  it('sends the last 40 log lines only, the health log tail last', () => {
    const text = prompt(numbered(1, 50), numbered(51, 60));
    const shown = [...text.matchAll(/log line #(\d+)#/g)].map((m) => Number(m[1]));
    assert.deepEqual(
      shown,
      numbered(21, 60).map((_, i) => 21 + i),
    );
  });

  it('adds at most 3 files the log names, inside the repository and not installed ones', () => {
    const log = [
      `  File "${repo}/early.py", line 1`,
      ...numbered(1, 40), // pushes early.py out of the last 40 lines
      `  File "${outside}/secret.py", line 3`,
      `    at Object.<anonymous> (${repo}/node_modules/pkg/index.js:1:1)`,
      `  File "${repo}/.venv/lib/site.py", line 9`,
      '  File "linked.py", line 2',
      '  File "app.py", line 3, in <module>',
      `  File "${repo}/config.py", line 7`,
      'ImportError while loading settings.py and extra.py',
    ];
    const text = prompt(log, []);
    const files = [...text.matchAll(/^File (\S+):$/gm)].map((m) => m[1]);
    assert.deepEqual(files, ['app.py', 'config.py', 'settings.py']);
    assert.ok(text.includes('File app.py:\nAPP_PY'));
    assert.ok(text.includes(`File config.py:\nCONFIG_PY${'x'.repeat(4096 - 9)}\n`), '4 KiB each');
    for (const marker of ['EARLY_PY', 'OUTSIDE_PY', 'NODE_MODULES_JS', 'VENV_PY', 'EXTRA_PY'])
      assert.ok(!text.includes(marker), marker);
  });
});
