import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { RepoRunnerError } from '../model/errors.js';
import { walkRepository, type WalkResult } from './walk.js';

const temps: string[] = [];
async function temp(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-walk-'));
  temps.push(dir);
  return dir;
}
after(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), content);
  }
}

/** A repository folder holding `files`. */
async function repo(files: Record<string, string | Buffer>): Promise<string> {
  const root = await temp();
  await writeTree(root, files);
  return root;
}

const paths = (result: WalkResult): string[] => result.files.map((f) => f.path);

/** Skip counts that are not 0. */
const nonZero = (result: WalkResult): Record<string, number> =>
  Object.fromEntries(Object.entries(result.skipped).filter(([, n]) => n > 0));

describe('walkRepository: git ignore rules', () => {
  const tree = {
    '.gitignore': [
      '# build output',
      '*.log',
      '!keep.log',
      'logs/',
      '/root-only.txt',
      'cache/*',
      '!cache/keep.txt',
      'hidden/',
      '!hidden/back.ts',
      '*.gen.ts',
    ].join('\n'),
    'app.log': 'x\n',
    'keep.log': 'x\n',
    'logs/a.txt': 'x\n',
    'data/logs': 'a file named like an ignored folder\n',
    'root-only.txt': 'x\n',
    'cache/a.txt': 'x\n',
    'cache/keep.txt': 'x\n',
    'hidden/back.ts': 'x\n',
    'top.gen.ts': 'x\n',
    'keep.gen.ts': 'x\n',
    'a.tmp': 'x\n',
    'local-notes.md': 'x\n',
    'main.ts': 'x\n',
    'sub/.gitignore': '*.tmp\n!important.tmp\n/anchored.md\nbuild-*/\n!keep.gen.ts\n',
    'sub/deep.log': 'x\n',
    'sub/keep.log': 'x\n',
    'sub/root-only.txt': 'x\n',
    'sub/a.tmp': 'x\n',
    'sub/important.tmp': 'x\n',
    'sub/inner/b.tmp': 'x\n',
    'sub/anchored.md': 'x\n',
    'sub/inner/anchored.md': 'x\n',
    'sub/build-x/out.js': 'x\n',
    'sub/build-y': 'a file, not a folder\n',
    'sub/keep.gen.ts': 'x\n',
    'sub/other.gen.ts': 'x\n',
    'sub/local-notes.md': 'x\n',
    'crlf/.gitignore': '*.bak\r\n\r\n',
    'crlf/x.bak': 'x\n',
    'crlf/x.ts': 'x\n',
    '.git/info/exclude': '# local\nlocal-notes.md\n',
    '.git/HEAD': 'ref: refs/heads/main\n',
  };

  it('keeps exactly the files git itself does not ignore', async () => {
    const root = await repo(tree);
    const result = await walkRepository(root);
    assert.deepEqual(paths(result), [
      '.gitignore',
      'a.tmp',
      'cache/keep.txt',
      'crlf/.gitignore',
      'crlf/x.ts',
      'data/logs',
      'keep.log',
      'main.ts',
      'sub/.gitignore',
      'sub/build-y',
      'sub/important.tmp',
      'sub/inner/anchored.md',
      'sub/keep.gen.ts',
      'sub/keep.log',
      'sub/root-only.txt',
    ]);
    // 13 files and 3 folders (logs/, hidden/, sub/build-x/, each counted once); .git is a
    // tool folder.
    assert.deepEqual(nonZero(result), { ignored: 16, folder: 1 });

    // The same answer from git (global and system config kept out of it).
    const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
    execFileSync('git', ['init', '-q'], { cwd: root, env });
    await writeFile(path.join(root, '.git/info/exclude'), tree['.git/info/exclude']);
    const git = execFileSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], {
      cwd: root,
      env,
      encoding: 'utf8',
    });
    const fromGit = git.split('\0').filter((p) => p !== '');
    assert.deepEqual(paths(await walkRepository(root)), fromGit.sort());
  });
});

describe('walkRepository: what is left out', () => {
  it('skips dependency, build, vendored, cache and tool folders at any depth', async () => {
    const root = await repo({
      'src/main.ts': 'x\n',
      'src/env/config.ts': 'an env folder that is source\n',
      'node_modules/dep/index.js': 'x\n',
      'packages/web/node_modules/dep/index.js': 'x\n',
      '.venv/lib/site.py': 'x\n',
      'env/pyvenv.cfg': 'home = /usr\n',
      'env/lib/a.py': 'x\n',
      'target/debug/main.rs': 'x\n',
      'dist/app.js': 'x\n',
      'build/out.js': 'x\n',
      'vendor/github.com/x/y.go': 'x\n',
      'src/__pycache__/a.py': 'x\n',
      'pkg.egg-info/PKG-INFO': 'x\n',
      'coverage/lcov.info': 'x\n',
      '.git/config': 'x\n',
    });
    const result = await walkRepository(root);
    assert.deepEqual(paths(result), ['src/env/config.ts', 'src/main.ts']);
    assert.deepEqual(nonZero(result), { folder: 12 });
  });

  it('skips lock files, secrets, binary, minified and empty files; keeps bad UTF-8', async () => {
    const invalidUtf8 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff, 0xfe, 0x0a]);
    const root = await repo({
      'package.json': '{}\n',
      'package-lock.json': '{}\n',
      'yarn.lock': 'x\n',
      'Cargo.lock': 'x\n',
      'go.sum': 'x\n',
      'poetry.lock': 'x\n',
      '.env': 'TOKEN=1\n',
      '.env.local': 'TOKEN=1\n',
      '.env.example': 'TOKEN=\n',
      id_rsa: 'x\n',
      'certs/server.pem': 'x\n',
      '.npmrc': '//registry/:_authToken=x\n',
      'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      'SHOUT.PNG': 'text, but the extension says image\n',
      'font.woff2': 'x',
      'data.txt': Buffer.from('abc\0def\n'),
      'utf16.txt': Buffer.from('\ufeffhello\n', 'utf16le'),
      'app.min.js': 'x\n',
      'style-min.css': 'x\n',
      'app.js.map': '{}\n',
      'bundle.js': `var a=${'1+'.repeat(3_000)}1;\n`,
      'tables.js': `const t = [${'0,'.repeat(2_000)}];\n`,
      'wide.js': `// ${'é'.repeat(4_900)}\n`,
      'empty.ts': '',
      'blank.txt': '\n\n',
      'latin1.txt': invalidUtf8,
    });
    const result = await walkRepository(root);
    assert.deepEqual(paths(result), [
      '.env.example',
      'blank.txt',
      'latin1.txt',
      'package.json',
      'tables.js',
      'wide.js',
    ]);
    // Invalid UTF-8 is text: listed with its size in bytes.
    assert.equal(result.files.find((f) => f.path === 'latin1.txt')?.size, invalidUtf8.length);
    // wide.js is 9,800 bytes but 4,903 characters on its line: not minified.
    assert.deepEqual(nonZero(result), {
      lockfile: 5,
      secret: 5,
      binary: 5,
      minified: 4,
      empty: 1,
    });
  });

  it('skips generated files by the marker in their first lines', async () => {
    const root = await repo({
      'api/service.pb.go': '// Code generated by protoc-gen-go. DO NOT EDIT.\npackage api\n',
      'api/schema_pb2.py':
        '# -*- coding: utf-8 -*-\n# Generated by the protocol buffer compiler.  DO NOT EDIT!\n',
      'web/__generated__/Query.ts': '/**\n * @generated SignedSource<<abc>>\n */\nexport {};\n',
      'gen/writer.go': '// Package gen writes files marked "Code generated".\npackage gen\n',
      'docs/late.md': `${'line\n'.repeat(5)}A generated file says DO NOT EDIT.\n`,
    });
    const result = await walkRepository(root);
    assert.deepEqual(paths(result), ['docs/late.md', 'gen/writer.go']);
    assert.deepEqual(nonZero(result), { generated: 3 });
  });

  it('counts names that are not UTF-8 and special files instead of listing them', async () => {
    const root = await repo({ 'ok.ts': 'x\n' });
    await writeFile(Buffer.from(`${root}/bad-\xff.ts`, 'latin1'), 'x\n');
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    const result = await walkRepository(root);
    assert.deepEqual(paths(result), ['ok.ts']);
    assert.deepEqual(nonZero(result), { 'bad-name': 1, special: 1 });
  });
});

describe('walkRepository: symlinks', () => {
  it('never follows a link, inside or outside the root, and counts each as symlink', async () => {
    const outside = await repo({ 'secret.txt': 'outside\n', 'dir/a.ts': 'outside\n' });
    const root = await repo({ 'real.ts': 'x\n', 'sub/b.ts': 'x\n' });
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'to-file'));
    await symlink(path.join(outside, 'dir'), path.join(root, 'to-dir'));
    await symlink('.', path.join(root, 'loop'));
    await symlink('..', path.join(root, 'sub/up'));
    await symlink('self', path.join(root, 'self'));
    await symlink('real.ts', path.join(root, 'alias.ts'));
    await symlink('missing.ts', path.join(root, 'dangling.ts'));
    const result = await walkRepository(root);
    assert.deepEqual(paths(result), ['real.ts', 'sub/b.ts']);
    assert.deepEqual(nonZero(result), { symlink: 7 });
  });

  it('resolves a root given through a link', async () => {
    const root = await repo({ 'a.ts': 'x\n' });
    const link = path.join(await temp(), 'link');
    await symlink(root, link);
    assert.deepEqual(paths(await walkRepository(link)), ['a.ts']);
  });
});

describe('walkRepository: result', () => {
  it('sorts by path in code-unit order, with sizes in bytes and modification times', async () => {
    const root = await repo({
      'b.ts': 'b\n',
      'a.ts': 'é\n',
      'a/b.ts': 'x\n',
      'a-b.ts': 'x\n',
      'Z.ts': 'x\n',
    });
    const when = new Date('2024-05-06T07:08:09.000Z');
    await utimes(path.join(root, 'a.ts'), when, when);
    const result = await walkRepository(root);
    assert.deepEqual(paths(result), ['Z.ts', 'a-b.ts', 'a.ts', 'a/b.ts', 'b.ts']);
    const a = result.files.find((f) => f.path === 'a.ts');
    assert.deepEqual(a, { path: 'a.ts', size: 3, mtimeMs: when.getTime() });
    assert.equal(result.truncated, null);
    assert.equal(Object.keys(result.skipped).length, 14);
    assert.ok(Object.values(result.skipped).every((n) => n === 0));
  });

  it('rejects a root that is not a folder, bad limits and an aborted signal', async () => {
    const root = await repo({ 'a.ts': 'x\n' });
    const badInput = (e: unknown) => e instanceof RepoRunnerError && e.code === 'BAD_INPUT';
    await assert.rejects(walkRepository(path.join(root, 'a.ts')), badInput);
    await assert.rejects(walkRepository(path.join(root, 'missing')), badInput);
    await assert.rejects(walkRepository(root, { maxFiles: -1 }), badInput);
    await assert.rejects(walkRepository(root, { maxDepth: 1.5 }), badInput);
    const aborted = AbortSignal.abort(new Error('stop'));
    await assert.rejects(walkRepository(root, {}, aborted), /stop/);
  });
});

describe('walkRepository: limits', () => {
  const five = { 'a.ts': '123456789\n', 'b.ts': '123456789\n', 'c.ts': '123456789\n' };
  const tree = { ...five, 'd.ts': '123456789\n', 'sub/e.ts': '123456789\n' };

  it('maxFiles keeps the first files breadth first and counts the rest', async () => {
    const result = await walkRepository(await repo(tree), { maxFiles: 3 });
    assert.deepEqual(paths(result), ['a.ts', 'b.ts', 'c.ts']);
    assert.deepEqual(result.truncated, { limit: 'maxFiles', omitted: 2, exact: true });
  });

  it('maxTotalBytes stops adding at the byte budget', async () => {
    const result = await walkRepository(await repo(tree), { maxTotalBytes: 25 });
    assert.deepEqual(paths(result), ['a.ts', 'b.ts']);
    assert.deepEqual(result.truncated, { limit: 'maxTotalBytes', omitted: 3, exact: true });
  });

  it('maxFileBytes skips bigger files (too-large), keeps one of exactly that size', async () => {
    const root = await repo({ 'fits.ts': 'x'.repeat(50), 'big.ts': 'x'.repeat(51) });
    const result = await walkRepository(root, { maxFileBytes: 50 });
    assert.deepEqual(paths(result), ['fits.ts']);
    assert.deepEqual(nonZero(result), { 'too-large': 1 });
    assert.equal(result.truncated, null);
  });

  it('maxDepth stops entering folders below it', async () => {
    const root = await repo({ 'top.ts': 'x\n', 'a/x.ts': 'x\n', 'a/b/c/d.ts': 'x\n' });
    const at = async (maxDepth: number) => walkRepository(root, { maxDepth });
    const zero = await at(0);
    assert.deepEqual(paths(zero), ['top.ts']);
    assert.deepEqual(nonZero(zero), { 'too-deep': 1 });
    const one = await at(1);
    assert.deepEqual(paths(one), ['a/x.ts', 'top.ts']);
    assert.deepEqual(nonZero(one), { 'too-deep': 1 });
    assert.deepEqual(paths(await at(3)), ['a/b/c/d.ts', 'a/x.ts', 'top.ts']);
    assert.equal((await at(3)).truncated, null);
  });

  it('maxEntries stops listing folders and says the count is not exact', async () => {
    // The root holds 5 entries (4 files and sub/); sub/ would make 6.
    const result = await walkRepository(await repo(tree), { maxEntries: 5 });
    assert.deepEqual(paths(result), ['a.ts', 'b.ts', 'c.ts', 'd.ts']);
    assert.deepEqual(result.truncated, { limit: 'maxEntries', omitted: 0, exact: false });
    const both = await walkRepository(await repo(tree), { maxEntries: 5, maxFiles: 2 });
    assert.deepEqual(both.truncated, { limit: 'maxFiles', omitted: 2, exact: false });
  });
});
