import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import {
  DEFAULT_TOOLCHAIN_NAMES,
  detectToolchains,
  findExecutable,
  parseVersion,
  versionArgs,
  pyenvInterpreter,
} from './detect-toolchains.js';

let bin = '';
let later = '';

/** Writes a shell script (mode 755 unless given) into `dir`. */
async function script(dir: string, name: string, body: string, mode = 0o755): Promise<void> {
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, mode);
}

before(async () => {
  bin = await mkdtemp(path.join(os.tmpdir(), 'rr-tools-'));
  later = await mkdtemp(path.join(os.tmpdir(), 'rr-tools-later-'));
  await script(bin, 'python3', 'echo "fakepy 3.12.1"');
  // java prints its version on stderr; go answers `version`, not `--version`.
  await script(
    bin,
    'java',
    '[ "$1" = -version ] && echo \'openjdk version "17.0.9" 2023-10-17\' >&2',
  );
  await script(bin, 'go', '[ "$1" = version ] && echo "go version go1.22.1 linux/amd64"');
  await script(bin, 'pip', 'echo "pip 23.0.1"; exit 1');
  await script(bin, 'uv', 'echo "no version here"');
  // Only builtins and absolute paths: PATH is this directory alone.
  await script(bin, 'node', 'exec /bin/sleep 30');
  await script(bin, 'npm', 'echo "10.2.4"', 0o644);
  await mkdir(path.join(bin, 'make'), { mode: 0o755 });
  await script(later, 'python3', 'echo "shadowed 9.9.9"');
  await script(later, 'git', 'echo "git version 2.43.0"');
});

after(async () => {
  await rm(bin, { recursive: true, force: true });
  await rm(later, { recursive: true, force: true });
});

describe('parseVersion and versionArgs', () => {
  it('takes the first version-looking token', () => {
    assert.equal(parseVersion('v20.11.0\n'), '20.11.0');
    assert.equal(parseVersion('Python 3.11.7'), '3.11.7');
    assert.equal(parseVersion('go version go1.22.1 linux/amd64'), '1.22.1');
    assert.equal(parseVersion('GNU Make 4.3\nBuilt for x86_64'), '4.3');
    assert.equal(parseVersion('\u001b[1mApache Maven 3.9.6\u001b[m (bc0240f3)'), '3.9.6');
    assert.equal(parseVersion('no digits'), null);
  });

  it('knows the odd ones out', () => {
    assert.deepEqual(versionArgs('java'), ['-version']);
    assert.deepEqual(versionArgs('go'), ['version']);
    assert.deepEqual(versionArgs('cargo'), ['--version']);
    assert.ok(DEFAULT_TOOLCHAIN_NAMES.includes('nvidia-smi'));
  });
});

describe('findExecutable', () => {
  it('returns the first executable regular file on PATH', async () => {
    const pathEnv = [bin, later].join(path.delimiter);
    assert.equal(await findExecutable('python3', pathEnv), path.join(bin, 'python3'));
    assert.equal(await findExecutable('git', pathEnv), path.join(later, 'git'));
    assert.equal(await findExecutable('npm', pathEnv), null);
    assert.equal(await findExecutable('make', pathEnv), null);
    assert.equal(await findExecutable('python3', `relative${path.delimiter}`), null);
  });
});

describe('detectToolchains', () => {
  it('lists found tools in names order, with versions or null, quickly despite a hang', async () => {
    const started = Date.now();
    const tools = await detectToolchains({
      pathEnv: bin,
      names: ['node', 'git', 'go', 'python3', 'npm', 'make', 'java', 'pip', 'uv'],
      timeoutMs: 300,
    });
    const elapsed = Date.now() - started;
    assert.deepEqual(tools, [
      { name: 'node', path: path.join(bin, 'node'), version: null },
      { name: 'go', path: path.join(bin, 'go'), version: '1.22.1' },
      { name: 'python3', path: path.join(bin, 'python3'), version: '3.12.1' },
      { name: 'java', path: path.join(bin, 'java'), version: '17.0.9' },
      { name: 'pip', path: path.join(bin, 'pip'), version: null },
      { name: 'uv', path: path.join(bin, 'uv'), version: null },
    ]);
    assert.ok(elapsed < 2500, `took ${elapsed} ms; the hanging node must be cut at 300 ms`);
  });

  it('uses the default names', async () => {
    const tools = await detectToolchains({ pathEnv: later });
    assert.deepEqual(
      tools.map((t) => [t.name, t.version]),
      [
        ['python3', '9.9.9'],
        ['git', '2.43.0'],
      ],
    );
  });
});

test('pyenvInterpreter: a shim of an unselected version resolves to the newest installed patch', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'rr-pyenv-'));
  try {
    for (const v of ['3.12.1', '3.12.10', '3.13.0']) {
      await mkdir(path.join(root, 'versions', v, 'bin'), { recursive: true });
      const minor = v.split('.').slice(0, 2).join('.');
      await writeFile(path.join(root, 'versions', v, 'bin', `python${minor}`), '#!/bin/sh\n');
      await chmod(path.join(root, 'versions', v, 'bin', `python${minor}`), 0o755);
    }
    await mkdir(path.join(root, 'shims'));
    const shim = path.join(root, 'shims', 'python3.12');
    assert.equal(
      await pyenvInterpreter('python3.12', shim),
      path.join(root, 'versions', '3.12.10', 'bin', 'python3.12'),
    );
    assert.equal(
      await pyenvInterpreter('python3.14', path.join(root, 'shims', 'python3.14')),
      null,
    );
    assert.equal(await pyenvInterpreter('python3.12', '/usr/bin/python3.12'), null, 'not a shim');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
