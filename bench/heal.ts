/**
 * `npm run bench:heal`: runs every broken fixture (fixtures/broken, one per error class) cold,
 * each on a fresh copy with a fresh data dir, and prints per fixture its class, whether it is
 * fixable, what happened (fixed by the expected action, not fixed, or for the unfixable ones
 * whether the run ended with the right class), the number of fix attempts and the time; then
 * the success rate over the fixable fixtures. Writes JSON under bench/results/.
 * `-- name ...` runs only those; `-- --no-fix` runs without fixes (a baseline: the class
 * each failure gets).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  brokenFixtureNames,
  runBrokenFixture,
  type BrokenResult,
} from '../test/broken-corpus-lib.js';
import { ROOT, tempDir } from '../test/helpers.js';

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('--'));
const picked = args.filter((a) => !a.startsWith('--'));
const names = picked.length > 0 ? picked : brokenFixtureNames();
const baseline = flags.includes('--no-fix');

/** What happened, in one word or two. */
function outcome(r: BrokenResult): string {
  if (r.skipped) return 'SKIPPED';
  if (r.error?.startsWith('no JSON report')) return 'ERROR';
  if (r.expect.fixable && !baseline) return r.ok ? 'fixed' : 'NOT FIXED';
  const cls = r.cause?.class ?? (r.status === 'healthy' ? 'healthy' : 'none');
  return cls === r.expect.class ? 'right class' : `WRONG (${cls})`;
}

const header = `${'fixture'.padEnd(30)}${'class'.padEnd(30)}${'fixable'.padEnd(9)}${'outcome'.padEnd(34)}${'attempts'.padStart(8)}${'time'.padStart(9)}`;
console.log(header);
console.log('-'.repeat(header.length));
const results: Array<BrokenResult & { outcome: string }> = [];
for (const name of names) {
  const tmp = tempDir(`heal-${name}`);
  try {
    const r = await runBrokenFixture(name, path.join(tmp.dir, 'repo'), path.join(tmp.dir, 'home'), {
      extraArgs: flags,
    });
    const o = outcome(r);
    results.push({ ...r, outcome: o });
    console.log(
      `${name.padEnd(30)}${r.expect.class.padEnd(30)}${(r.expect.fixable ? 'yes' : 'no').padEnd(9)}${o.padEnd(34)}${String(r.fixes.length).padStart(8)}${`${(r.timeMs / 1000).toFixed(1)} s`.padStart(9)}`,
    );
    const bad = /^(ERROR|NOT|WRONG|SKIPPED)/.test(o);
    if (bad) {
      const fixes = r.fixes.map((f) => `${f.kind}=${f.outcome}`).join(', ');
      const cause = r.cause ? `${r.cause.class}: ${r.cause.evidence}` : 'no cause';
      console.log(
        `${' '.repeat(4)}${r.skipped ?? `${cause}${fixes ? `; fixes: ${fixes}` : ''}; ${r.error ?? ''}`}`,
      );
    }
  } finally {
    tmp.cleanup();
  }
}

const fixable = results.filter((r) => r.expect.fixable);
const healed = fixable.filter((r) => r.outcome === 'fixed');
const unfixable = results.filter((r) => !r.expect.fixable);
const classed = unfixable.filter((r) => r.outcome === 'right class');
const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(0)}%`;
console.log('');
if (!baseline)
  console.log(
    `healed: ${healed.length}/${fixable.length} fixable fixtures (${pct(healed.length, fixable.length)})`,
  );
else {
  const right = results.filter((r) => r.outcome === 'right class');
  console.log(
    `classified right without fixes: ${right.length}/${results.length} (${pct(right.length, results.length)})`,
  );
}
if (!baseline)
  console.log(`unfixable ended with their class: ${classed.length}/${unfixable.length}`);

const dir = path.join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const file = path.join(dir, `heal-${stamp}.json`);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      at: new Date().toISOString(),
      baseline,
      healed: healed.length,
      fixable: fixable.length,
      successRate: fixable.length === 0 ? null : healed.length / fixable.length,
      results: results.map((r) => ({
        fixture: r.fixture,
        class: r.expect.class,
        fixable: r.expect.fixable,
        fixedBy: r.expect.fixedBy ?? null,
        outcome: r.outcome,
        status: r.status,
        cause: r.cause,
        attempts: r.fixes.length,
        fixes: r.fixes,
        timeMs: r.timeMs,
        repoChanges: r.repoChanges,
        leftover: r.leftover,
        error: r.error,
        skipped: r.skipped,
        runId: r.runId,
      })),
    },
    null,
    2,
  )}\n`,
);
console.log(`written ${path.relative(ROOT, file)}`);
if (results.some((r) => /^(ERROR|NOT|WRONG)/.test(r.outcome))) process.exitCode = 1;
