/**
 * `npm run bench:intervene` (issue #14): the broken corpus (fixtures/broken) run with the
 * FixerAgent off (`--no-fix`), then the Admin Agent intervening in each run that did not come
 * up (`repo-runner admin-agent intervene --run ID`, the default policy). Prints per fixture
 * the run's status, the intervention's result, the strategies it took and its time; then how
 * many runs it brought to healthy; then a run whose build hangs, and how soon after its stall
 * deadline the watchdog stopped it. `-- name ...` runs only those fixtures (no stall
 * scenario); `-- --stall-only` only the stall scenario. Writes JSON under
 * bench/results/. Asserts nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { brokenFixtureNames, runBrokenFixture } from '../test/broken-corpus-lib.js';
import { BIN, copyFixture, ROOT, tempDir } from '../test/helpers.js';

const picked = process.argv.slice(2).filter((a) => !a.startsWith('--'));
/** Seconds after which the stall scenario's hung build phase is stalled (`--stall-after`). */
const STALL_AFTER_S = 10;
/** `--stall-only`: just the stall scenario. */
const STALL_ONLY = process.argv.includes('--stall-only');
const names = STALL_ONLY ? [] : picked.length > 0 ? picked : brokenFixtureNames();

interface Row {
  fixture: string;
  class: string;
  fixable: boolean;
  runStatus: string | null;
  result: string;
  strategies: string[];
  interveneMs: number;
  escalation: string | null;
  fixes: string[];
}

const rows: Row[] = [];
const header = `${'fixture'.padEnd(30)}${'fixable'.padEnd(9)}${'run'.padEnd(10)}${'intervention'.padEnd(14)}${'strategies'.padEnd(28)}${'time'.padStart(8)}`;
console.log(header);
console.log('-'.repeat(header.length));
for (const name of names) {
  const tmp = tempDir(`intervene-${name}`);
  const row: Row = {
    fixture: name,
    class: '',
    fixable: false,
    runStatus: null,
    result: 'not needed',
    strategies: [],
    interveneMs: 0,
    escalation: null,
    fixes: [],
  };
  try {
    const r = await runBrokenFixture(name, path.join(tmp.dir, 'repo'), path.join(tmp.dir, 'home'), {
      extraArgs: ['--no-fix'],
      afterRun: async (result, home) => {
        if (!result.runId || result.status === 'healthy') return;
        const t0 = performance.now();
        const out = await execa(
          process.execPath,
          [BIN, 'admin-agent', 'intervene', '--run', result.runId, '--json'],
          { env: { REPO_RUNNER_HOME: home, NO_COLOR: '1' }, reject: false, timeout: 900_000 },
        );
        row.interveneMs = Math.round(performance.now() - t0);
        try {
          const o = JSON.parse(out.stdout);
          row.result = o.result;
          row.strategies = o.attempts.map((a: { strategy: string }) => a.strategy);
          row.escalation = o.escalation?.reason ?? null;
          row.fixes = (o.report?.fixes ?? []).map(
            (f: { action: { kind: string }; outcome: string }) => `${f.action.kind}=${f.outcome}`,
          );
        } catch {
          row.result = `ERROR (exit ${out.exitCode}): ${out.stderr.slice(-200)}`;
        }
      },
    });
    row.class = r.expect.class;
    row.fixable = r.expect.fixable;
    row.runStatus = r.skipped ? 'skipped' : r.status;
  } finally {
    tmp.cleanup();
  }
  rows.push(row);
  console.log(
    `${name.padEnd(30)}${(row.fixable ? 'yes' : 'no').padEnd(9)}${String(row.runStatus).padEnd(10)}${row.result.padEnd(14)}${row.strategies.join(',').padEnd(28)}${`${(row.interveneMs / 1000).toFixed(1)} s`.padStart(8)}`,
  );
}

const failed = rows.filter((r) => r.runStatus !== 'healthy' && r.runStatus !== 'skipped');
const healed = failed.filter((r) => r.result === 'healthy');
const fixableFailed = failed.filter((r) => r.fixable);
const fixableHealed = healed.filter((r) => r.fixable);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log('');
console.log(
  `runs that did not come up without fixes: ${failed.length}/${rows.length}; brought to healthy by the Admin Agent: ${healed.length} (${fixableHealed.length}/${fixableFailed.length} of the fixable ones); escalated: ${failed.length - healed.length}`,
);
console.log(
  `median intervention time: ${(median(healed.map((r) => r.interveneMs)) / 1000).toFixed(1)} s (healed), ${(median(failed.filter((r) => r.result !== 'healthy').map((r) => r.interveneMs)) / 1000).toFixed(1)} s (escalated)`,
);
/**
 * A run whose build phase hangs (`--build` runs a process that never exits), and the
 * watchdog (`admin-agent watch --interval 1 --stall-after 10`) beside it: how long after the
 * phase's stall deadline the watchdog stopped it. The watchdog is then ended, so it does not
 * go on to resume the run (whose build would hang again).
 */
async function stallScenario(): Promise<Record<string, unknown>> {
  const tmp = tempDir('intervene-stall');
  const home = path.join(tmp.dir, 'home');
  const env = { REPO_RUNNER_HOME: home, NO_COLOR: '1' };
  const repo = copyFixture('node-express', tmp.dir);
  const hang = "node -e 'setInterval(() => {}, 1000)'";
  const run = execa(process.execPath, [BIN, 'run', repo, '--build', hang, '--json'], {
    env,
    reject: false,
  });
  const watch = execa(
    process.execPath,
    [
      BIN,
      'admin-agent',
      'watch',
      '--interval',
      '1',
      '--stall-after',
      String(STALL_AFTER_S),
      '--json',
    ],
    { env, reject: false },
  );
  let runId = '';
  try {
    const picked = await new Promise<{ at: number; runId: string }>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error('the watchdog never stopped the run')),
        300_000,
      );
      watch.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        for (const l of out.split('\n').slice(0, -1)) {
          const a = JSON.parse(l) as { reason: string; runId: string };
          if (a.reason === 'stalled') {
            clearTimeout(timer);
            resolve({ at: Date.now(), runId: a.runId });
          }
        }
      });
    });
    runId = picked.runId;
    watch.kill('SIGTERM');
    await run;
    const status = JSON.parse(
      (await execa(process.execPath, [BIN, 'status', picked.runId, '--json'], { env })).stdout,
    ) as { status: string; phases: { name: string; startedAt: string | null }[] };
    const build = status.phases.find((p) => p.name === 'build');
    const deadline = Date.parse(build?.startedAt ?? '') + STALL_AFTER_S * 1000;
    return {
      stallAfterS: STALL_AFTER_S,
      intervalS: 1,
      pickedUpAfterDeadlineS: Math.round((picked.at - deadline) / 100) / 10,
      runStatusAfter: status.status,
    };
  } finally {
    watch.kill('SIGKILL');
    run.kill('SIGKILL');
    if (runId) await execa(process.execPath, [BIN, 'stop', runId], { env, reject: false });
    tmp.cleanup();
  }
}

const stall =
  picked.length > 0 ? null : await stallScenario().catch((e: Error) => ({ error: e.message }));
if (stall) console.log(`stall scenario: ${JSON.stringify(stall)}`);

const dir = path.join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `intervene-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), rows, stall }, null, 2)}\n`);
console.log(`written ${path.relative(ROOT, file)}`);
