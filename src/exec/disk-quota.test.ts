import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { dirSize, watchDiskQuota } from './disk-quota.js';

describe('dirSize and watchDiskQuota', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-du-'));
  const outside = mkdtempSync(path.join(os.tmpdir(), 'rr-du-out-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('counts allocated bytes like du, hard links once, symlinks never followed', async () => {
    mkdirSync(path.join(dir, 'a/b'), { recursive: true });
    writeFileSync(path.join(dir, 'a/b/one'), Buffer.alloc(256 * 1024, 1));
    linkSync(path.join(dir, 'a/b/one'), path.join(dir, 'a/hard'));
    writeFileSync(path.join(outside, 'big'), Buffer.alloc(4 * 1024 * 1024, 1));
    symlinkSync(outside, path.join(dir, 'escape'));
    const size = await dirSize(dir);
    assert.equal(size.complete, true);
    assert.equal(size.entries, 5); // a, a/b, a/b/one, a/hard, escape
    assert.ok(size.bytes >= 256 * 1024 && size.bytes < 512 * 1024, `${size.bytes}`);
  });

  it('stops at its entry bound with a lower bound', async () => {
    const size = await dirSize(dir, 2);
    assert.deepEqual([size.entries, size.complete], [2, false]);
  });

  it('calls onExceeded once when the tree is over the quota', async () => {
    const hits: number[] = [];
    const watch = watchDiskQuota(dir, 1024 * 1024, (s) => hits.push(s.bytes), 60_000);
    after(() => watch.stop());
    assert.equal((await watch.check()).exceeded, false);
    writeFileSync(path.join(dir, 'fill'), Buffer.alloc(2 * 1024 * 1024, 1));
    assert.equal((await watch.check()).exceeded, true);
    assert.equal((await watch.check()).exceeded, true);
    assert.equal(hits.length, 1);
    assert.ok((hits[0] ?? 0) > 2 * 1024 * 1024);
  });
});
