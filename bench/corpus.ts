/**
 * `npm run bench:corpus`: runs every fixture repo cold (fresh copy, fresh data dir) and prints
 * per repo whether it got healthy and answered as its expect.json says, time to healthy and
 * time per phase; then the success rate and the median time. Writes JSON under
 * bench/results/. Goal (issue #3): every fixture healthy. `-- name ...` runs only those;
 * `-- --unconfined` runs them without the sandbox (`--no-sandbox --network host`), to
 * compare with the default confined runs (issue #11: the sandbox adds at most 5 %).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fixtureNames, runFixture, type FixtureResult } from '../test/corpus-lib.js';
import { ROOT, tempDir } from '../test/helpers.js';

const args = process.argv.slice(2);
const unconfined = args.includes('--unconfined');
const picked = args.filter((a) => a !== '--unconfined');
const names = picked.length > 0 ? picked : fixtureNames();
const extraArgs = unconfined ? ['--no-sandbox', '--network', 'host'] : [];
const results: FixtureResult[] = [];
for (const name of names) {
  const tmp = tempDir(`corpus-${name}`);
  try {
    const r = await runFixture(
      name,
      path.join(tmp.dir, 'repo'),
      path.join(tmp.dir, 'home'),
      extraArgs,
    );
    results.push(r);
    const ok = r.healthy && r.answered;
    const phases = Object.entries(r.phases)
      .filter(([, ms]) => ms !== null && ms > 0)
      .map(([p, ms]) => `${p} ${((ms as number) / 1000).toFixed(1)}`)
      .join(', ');
    console.log(
      `${name.padEnd(22)} ${(ok ? 'healthy' : 'FAILED').padEnd(8)} ${`${(r.timeToHealthyMs / 1000).toFixed(1)} s`.padStart(8)}  ${phases}${ok ? '' : `\n${' '.repeat(23)}${r.error ?? ''}`}`,
    );
  } finally {
    tmp.cleanup();
  }
}
const good = results.filter((r) => r.healthy && r.answered);
const times = good.map((r) => r.timeToHealthyMs).sort((a, b) => a - b);
const median =
  times.length === 0
    ? 0
    : (times[Math.floor((times.length - 1) / 2)]! + times[Math.ceil((times.length - 1) / 2)]!) / 2;
const total = times.reduce((a, b) => a + b, 0);
console.log(
  `\nhealthy: ${good.length}/${results.length} (${((100 * good.length) / Math.max(1, results.length)).toFixed(0)}%), median time to healthy ${(median / 1000).toFixed(1)} s, sum ${(total / 1000).toFixed(1)} s (${unconfined ? 'unconfined' : 'sandboxed'})`,
);
const dir = path.join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `corpus-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ at: new Date().toISOString(), unconfined, results }, null, 2)}\n`,
);
console.log(`written ${path.relative(ROOT, file)}`);
if (good.length !== results.length) process.exitCode = 1;
