import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { enclosingBuildRoot } from './build-root.js';

const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rr-buildroot-')));
after(() => rmSync(tmp, { recursive: true, force: true }));

function tree(root: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

test('a member folder of a Cargo workspace has the workspace root as its build root', () => {
  const ws = tree(path.join(tmp, 'ws'), {
    '.git/HEAD': 'ref: refs/heads/main\n',
    'Cargo.toml': '[workspace]\nmembers = ["basics/*"]\n',
    'basics/hello/Cargo.toml': '[package]\nname = "hello"\nedition.workspace = true\n',
    'lib/Cargo.toml': '[package]\nname = "lib"\n',
  });
  assert.equal(enclosingBuildRoot(path.join(ws, 'basics/hello')), ws);
  // The root itself, and a folder that is not a Rust package, have none.
  assert.equal(enclosingBuildRoot(ws), null);
  mkdirSync(path.join(ws, 'docs'));
  assert.equal(enclosingBuildRoot(path.join(ws, 'docs')), null);
});

test('the search stops at the top of the git repository the folder is in', () => {
  const outer = tree(path.join(tmp, 'outer'), {
    'Cargo.toml': '[workspace]\nmembers = []\n',
    'repo/.git/HEAD': 'ref: refs/heads/main\n',
    'repo/app/Cargo.toml': '[package]\nname = "app"\n',
  });
  assert.equal(enclosingBuildRoot(path.join(outer, 'repo/app')), null);
  assert.equal(enclosingBuildRoot(path.join(outer, 'repo')), null);
});

test('path dependencies outside the workspace widen the build root to the folder holding them all', () => {
  const repo = tree(path.join(tmp, 'axum'), {
    'Cargo.toml': '[workspace]\nmembers = ["axum"]\n',
    'axum/Cargo.toml': '[package]\nname = "axum"\n',
    'examples/Cargo.toml': '[workspace]\nmembers = ["*"]\n',
    'examples/hello/Cargo.toml':
      '[package]\nname = "hello"\n\n[dependencies]\naxum = { path = "../../axum" }\n',
  });
  assert.equal(enclosingBuildRoot(path.join(repo, 'examples/hello')), repo);
  // A path that leaves the git repository is not followed: the workspace alone.
  const outside = tree(path.join(tmp, 'outside'), {
    'repo/.git/HEAD': 'ref: refs/heads/main\n',
    'repo/Cargo.toml': '[workspace]\nmembers = ["app"]\n',
    'repo/app/Cargo.toml': '[package]\nname = "app"\n[dependencies]\nx = { path = "../../x" }\n',
  });
  assert.equal(enclosingBuildRoot(path.join(outside, 'repo/app')), path.join(outside, 'repo'));
});
