import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const config = path.join(root, '.dependency-cruiser.cjs');
const depcruise = path.join(root, 'node_modules', '.bin', 'depcruise');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-layers-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes a tiny src/ tree (file → source) and runs `npm run layers`' check over it. */
function check(name: string, files: Record<string, string>) {
  const dir = path.join(tmp, name);
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), source);
  }
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }),
  );
  const out = spawnSync(depcruise, ['src', '--config', config], { cwd: dir, encoding: 'utf8' });
  return { status: out.status, output: `${out.stdout}${out.stderr}` };
}

describe('npm run layers (dependency-cruiser rules of .dependency-cruiser.cjs)', () => {
  it('passes imports that point down the layers', () => {
    const r = check('down', {
      'src/core/run.ts': "import { a } from '../agents/a.js';\nexport const run = a;\n",
      'src/agents/a.ts': "import type { P } from '../model/p.js';\nexport const a: P = 1;\n",
      'src/model/p.ts': 'export type P = number;\n',
    });
    assert.equal(r.status, 0, r.output);
  });

  it('fails on an upward import, naming the rule and the edge', () => {
    const r = check('up', {
      'src/model/p.ts': "import { s } from '../store/s.js';\nexport const p = s;\n",
      'src/store/s.ts': 'export const s = 1;\n',
    });
    assert.notEqual(r.status, 0);
    assert.match(r.output, /layer-model: src\/model\/p\.ts → src\/store\/s\.ts/);
  });

  it('fails on a folder cycle even where no layer rule applies and no file cycle exists', () => {
    const r = check('cycle', {
      'src/aa/one.ts': "import { two } from '../bb/two.js';\nexport const one = two;\n",
      'src/aa/three.ts': 'export const three = 3;\n',
      'src/bb/two.ts': "import { three } from '../aa/three.js';\nexport const two = three;\n",
    });
    assert.notEqual(r.status, 0);
    assert.match(r.output, /no-folder-cycles/);
    assert.doesNotMatch(r.output, /no-file-cycles/);
  });

  it('lets tests and test kits import any layer', () => {
    const r = check('tests', {
      'src/model/p.ts': 'export const p = 1;\n',
      'src/model/p.test.ts': "import { run } from '../core/run.js';\nexport const t = run;\n",
      'src/core/run.ts': "import { p } from '../model/p.js';\nexport const run = p;\n",
    });
    assert.equal(r.status, 0, r.output);
  });
});
