import assert from 'node:assert/strict';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { capLogFile, rotate } from './log-rotation.js';

describe('capLogFile', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-logcap-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('moves a log over the cap to .1 and truncates it; under the cap nothing happens', async () => {
    const log = path.join(dir, 'web.log');
    writeFileSync(log, 'a'.repeat(1000));
    const cap = capLogFile(log, 2000, 60_000);
    after(() => cap.stop());
    assert.equal(await cap.check(), false);
    appendFileSync(log, 'b'.repeat(1500));
    assert.equal(await cap.check(), true);
    assert.equal(statSync(log).size, 0);
    assert.equal(readFileSync(`${log}.1`, 'utf8'), 'a'.repeat(1000) + 'b'.repeat(1500));
    appendFileSync(log, 'c'.repeat(2500));
    assert.equal(await cap.check(), true);
    assert.equal(readFileSync(`${log}.1`, 'utf8'), 'c'.repeat(2500), 'one generation is kept');
  });

  it('never writes through a symlink the run planted at .1 or at the log', async () => {
    const victim = path.join(dir, 'victim');
    writeFileSync(victim, 'secret');
    const log = path.join(dir, 'api.log');
    writeFileSync(log, 'x'.repeat(100));
    symlinkSync(victim, `${log}.1`);
    await rotate(log);
    assert.equal(readFileSync(victim, 'utf8'), 'secret');
    assert.equal(readFileSync(`${log}.1`, 'utf8'), 'x'.repeat(100));
    const linked = path.join(dir, 'linked.log');
    symlinkSync(victim, linked);
    await assert.rejects(rotate(linked), /ELOOP/);
    assert.equal(readFileSync(victim, 'utf8'), 'secret', 'the target was not truncated');
    assert.equal(existsSync(`${linked}.1`), false);
  });
});
