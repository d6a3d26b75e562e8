/**
 * `npm run bench:run`: cold and warm time-to-healthy for each fixture, as a table.
 *
 * Cold: a fresh copy of the fixture (no .venv, no node_modules) and a fresh data directory
 * (no toolchain version cache); package managers' own download caches are whatever the
 * machine has. Warm: the same copy run again right after (dependencies unchanged, so the
 * install is skipped). Time is the wall clock of `repo-runner run --detach --json`, which
 * returns once every service passed its readiness check. Goal (issue #2): warm <= 20% of cold.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, copyFixture, ROOT, tempDir } from '../test/helpers.js';

const FIXTURES =
  process.argv.slice(2).length > 0
    ? process.argv.slice(2)
    : ['python-flask', 'python-fastapi', 'node-express'];

async function timedRun(
  home: string,
  repo: string,
): Promise<{ ms: number; status: string; runId: string; phases: Record<string, number | null> }> {
  const started = performance.now();
  const out = await cli(home, ['run', repo, '--detach', '--json']);
  const ms = Math.round(performance.now() - started);
  const report = JSON.parse(out.stdout);
  await cli(home, ['stop', report.runId]);
  return {
    ms,
    status: report.status,
    runId: report.runId,
    phases: Object.fromEntries(report.phases.map((p: any) => [p.name, p.durationMs])),
  };
}

const rows: Array<Record<string, unknown>> = [];
for (const name of FIXTURES) {
  const tmp = tempDir(`bench-${name}`);
  try {
    const home = path.join(tmp.dir, 'home');
    const repo = copyFixture(name, tmp.dir);
    const cold = await timedRun(home, repo);
    const warm = await timedRun(home, repo);
    rows.push({
      fixture: name,
      coldMs: cold.ms,
      warmMs: warm.ms,
      ratio: warm.ms / cold.ms,
      cold: cold.status,
      warm: warm.status,
      coldPhases: cold.phases,
      warmPhases: warm.phases,
    });
  } finally {
    tmp.cleanup();
  }
}

const pad = (s: string, n: number) => s.padEnd(n);
console.log(
  `${pad('fixture', 16)} ${pad('cold', 10)} ${pad('warm', 10)} ${pad('warm/cold', 10)} status`,
);
for (const r of rows) {
  console.log(
    `${pad(String(r.fixture), 16)} ${pad(`${((r.coldMs as number) / 1000).toFixed(2)} s`, 10)} ${pad(`${((r.warmMs as number) / 1000).toFixed(2)} s`, 10)} ${pad(`${((r.ratio as number) * 100).toFixed(0)}%`, 10)} ${r.cold}/${r.warm}`,
  );
}
const worst = Math.max(...rows.map((r) => r.ratio as number));
console.log(
  `goal warm <= 20% of cold: ${worst <= 0.2 ? 'met' : 'NOT met'} (worst ${(worst * 100).toFixed(0)}%)`,
);
const dir = path.join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `run-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), rows }, null, 2)}\n`);
console.log(`written ${path.relative(ROOT, file)}`);
if (rows.some((r) => r.cold !== 'healthy' || r.warm !== 'healthy')) process.exitCode = 1;
