import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ERROR_CLASSES } from '../src/fixer/classes.js';
import {
  brokenFixtureNames,
  fixtureMode,
  readBrokenExpect,
  runBrokenFixture,
  sourceStatus,
  trackedMode,
  type BrokenResult,
} from './broken-corpus-lib.js';
import { tempDir } from './helpers.js';

/** Outside CI a fixture that cannot show its break here is skipped; in CI that is a failure. */
function skipOrFail(t: { skip: (m: string) => void }, why: string): void {
  if (process.env.CI === 'true') assert.fail(why);
  t.skip(why);
}

/**
 * Classes with no fixture, and why (fixtures/broken/README.md says more): reproducing them
 * would change the machine (disk-full, watcher-limit-reached) or send traffic off loopback
 * (network-unreachable); command-timed-out now reaches the report through a timed-out
 * step's ProcessResult (StepFailedError), but no fixture has a step slower than the run's
 * command timeout yet (a readiness timeout is never-binds, which has a fixture).
 */
const NOT_REPRODUCED = [
  'disk-full',
  'network-unreachable',
  'watcher-limit-reached',
  'command-timed-out',
  // Run limits: reproduced against real cgroups in test/limits.test.ts.
  'oom-killed',
  'pids-limit',
  'disk-quota',
];

/** `BROKEN_FIXTURES=a,b` runs only those fixtures (while working on their rules). */
const ONLY = process.env.BROKEN_FIXTURES?.split(',').filter(Boolean) ?? null;

/** One line about a run, for assertion messages. */
function summary(r: BrokenResult): string {
  const fixes = r.fixes.map((f) => `${f.attempt}:${f.class}→${f.kind}=${f.outcome}`).join(', ');
  const cause = r.cause ? `${r.cause.class} ("${r.cause.evidence}")` : 'none';
  return `status ${r.status}, cause ${cause}, fixes [${fixes}], error ${r.error ?? 'none'}`;
}

/**
 * The broken corpus (issue #5): one repository per error class, each broken in that one way,
 * run for real on a fresh copy. A fixable one must come out healthy, serving its text, healed
 * by the fix its expect.json names; the others must end failed with their class and say what
 * to do next. No run may change the repository beyond its fix (ignored files aside) or leave
 * a process behind.
 */
describe('broken corpus: every fixture heals, or ends with its classified cause', () => {
  const tmp = tempDir('broken');
  after(() => tmp.cleanup());

  it('covers every error class but the ones not reproducible here, broken as committed', () => {
    const names = brokenFixtureNames();
    const classes = new Set(names.map((n) => readBrokenExpect(n).class));
    for (const c of classes) assert.ok((ERROR_CLASSES as readonly string[]).includes(c), c);
    const missing = ERROR_CLASSES.filter((c) => !classes.has(c) && !NOT_REPRODUCED.includes(c));
    assert.deepEqual(missing, [], 'classes without a fixture');
    // permission-denied's script must reach git and the copy without its executable bit.
    assert.equal(fixtureMode('permission-denied', 'start.sh') & 0o111, 0, 'start.sh is executable');
    const tracked = trackedMode('permission-denied', 'start.sh');
    assert.ok(tracked === null || tracked === '100644', `start.sh is tracked as ${tracked}`);
  });

  for (const name of brokenFixtureNames().filter((n) => !ONLY || ONLY.includes(n))) {
    const expect = readBrokenExpect(name);
    describe(name, () => {
      let r: BrokenResult;
      let statusBefore = '';
      before(async () => {
        statusBefore = sourceStatus(name);
        r = await runBrokenFixture(
          name,
          path.join(tmp.dir, name),
          path.join(tmp.dir, name, 'home'),
        );
      });

      if (expect.fixable) {
        it(`heals with ${expect.fixedBy}: healthy, and ${expect.path} serves its text`, (t) => {
          if (r.skipped) return skipOrFail(t, r.skipped);
          assert.equal(r.status, 'healthy', `${name}: ${summary(r)}`);
          assert.ok(r.answered, `${name}: ${r.error ?? ''}`);
          const fix = r.fixes.find(
            (f) => f.kind === expect.fixedBy && (f.outcome === 'fixed' || f.outcome === 'progress'),
          );
          assert.ok(fix, `${name}: no kept ${expect.fixedBy} fix: ${summary(r)}`);
          assert.equal(fix.class, expect.class, `${name}: the fix answered another class`);
          assert.ok(r.fixes.length <= 10, `${name}: ${r.fixes.length} fix attempts`);
        });
      } else {
        it(`ends failed with cause ${expect.class}, after at most 10 attempts`, (t) => {
          if (r.skipped) return skipOrFail(t, r.skipped);
          assert.ok(!r.error?.startsWith('no JSON report'), `${name}: ${r.error}`);
          assert.equal(r.status, 'failed', `${name}: ${summary(r)}`);
          assert.equal(r.cause?.class, expect.class, `${name}: ${summary(r)}`);
          assert.ok(r.fixes.length <= 10, `${name}: ${r.fixes.length} fix attempts`);
          if (expect.maxSeconds)
            assert.ok(
              r.timeMs <= expect.maxSeconds * 1000,
              `${name}: took ${r.timeMs} ms (at most ${expect.maxSeconds} s)`,
            );
        });
        it('says what to do next (cause.nextStep)', (t) => {
          if (r.skipped) return skipOrFail(t, r.skipped);
          assert.ok(r.cause?.nextStep?.trim(), `${name}: no nextStep: ${summary(r)}`);
        });
      }

      it('leaves the repository as committed (ignored files aside) and no process running', (t) => {
        if (r.skipped) return skipOrFail(t, r.skipped);
        assert.deepEqual(r.repoChanges, [], `${name}: the run changed files in the repository`);
        assert.equal(sourceStatus(name), statusBefore, `${name}: fixtures/broken/${name} changed`);
        assert.deepEqual(r.leftover, [], `${name}: processes left running`);
      });
    });
  }
});
