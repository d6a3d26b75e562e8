import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { bwrapArgv } from './sandbox.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-bwrap-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const hasBwrap = execa('bwrap', ['--version']).then(
  () => true,
  () => false,
);

test('a repository reached through a symlink keeps its .git read-only under both names', async (t) => {
  if (!(await hasBwrap)) {
    assert.notEqual(process.env.CI, 'true', 'bubblewrap must be installed in CI');
    return t.skip('bubblewrap is not installed');
  }
  const real = path.join(tmp, 'real');
  const alias = path.join(tmp, 'alias');
  mkdirSync(path.join(real, '.git'), { recursive: true });
  writeFileSync(path.join(real, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  symlinkSync(real, alias);
  const runDir = path.join(tmp, 'data', 'runs', 'r1');
  mkdirSync(runDir, { recursive: true });
  const script = [
    `(echo x > '${alias}/.git/by-alias') 2>/dev/null && echo alias-git-written`,
    `(echo x > '${real}/.git/by-real') 2>/dev/null && echo real-git-written`,
    `echo x > '${alias}/by-alias.txt' && echo alias-repo-written`,
    `echo x > '${real}/by-real.txt' && echo real-repo-written`,
  ].join('\n');
  const argv = bwrapArgv(
    {
      runDir,
      repoPath: alias,
      dataDir: path.join(tmp, 'data'),
      operatorHome: os.homedir(),
      cacheDir: null,
      caches: false,
    },
    { argv: ['sh', '-c', script], cwd: alias, env: { PATH: process.env.PATH ?? '' } },
  );
  const r = await execa(argv[0]!, argv.slice(1), {
    reject: false,
    env: { PATH: process.env.PATH },
  });
  const lines = r.stdout.split('\n');
  assert.deepEqual(lines, ['alias-repo-written', 'real-repo-written'], r.stderr);
  assert.equal(existsSync(path.join(real, '.git', 'by-alias')), false);
  assert.equal(existsSync(path.join(real, '.git', 'by-real')), false);
  assert.ok(existsSync(path.join(real, 'by-alias.txt')));
});
