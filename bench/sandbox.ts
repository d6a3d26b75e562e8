/**
 * `npm run bench:sandbox`: what the sandbox costs.
 *
 * 1. Spawn cost: `true` run 50 times directly and under the run's bubblewrap view (ms each).
 * 2. Time-to-healthy: each fixture run warm (dependencies installed by a first, untimed run)
 *    three ways, alternating, 3 rounds each: fully confined (bubblewrap and the run's own
 *    network, the default), bubblewrap on the host's network (`--network host`), and
 *    unconfined (`--no-sandbox --network host`); the median of each, and the share each adds
 *    to the unconfined run. Goal (issue #11): at most 5 % added to time-to-healthy.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { confineCommand } from '../src/exec/sandbox.js';
import { allowedEnv } from '../src/exec/sandbox-env.js';
import { spawn } from 'node:child_process';
import { BIN, copyFixture, tempDir } from '../test/helpers.js';

const FIXTURES =
  process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['python-flask', 'node-express'];
// Rounds per mode (alternating); `BENCH_ROUNDS=7` for a steadier median.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function spawnCost(): { directMs: number; sandboxedMs: number } {
  const tmp = tempDir('bench-sandbox-spawn');
  try {
    const runDir = path.join(tmp.dir, 'home', 'runs', 'r');
    mkdirSync(runDir, { recursive: true });
    const view = {
      runDir,
      repoPath: tmp.dir,
      dataDir: path.join(tmp.dir, 'home'),
      operatorHome: os.homedir(),
      cacheDir: null,
    };
    const env = allowedEnv(process.env);
    const time = (argv: string[]) => {
      const t0 = performance.now();
      for (let i = 0; i < 50; i++) spawnSync(argv[0]!, argv.slice(1), { env });
      return (performance.now() - t0) / 50;
    };
    const confined = confineCommand('bubblewrap', view, { argv: ['true'], cwd: tmp.dir, env })!;
    return { directMs: time(['/bin/true']), sandboxedMs: time(confined.argv) };
  } finally {
    tmp.cleanup();
  }
}

/** How a timed run is confined: its extra CLI flags. */
const MODES = {
  confined: [],
  bwrapHostNet: ['--network', 'host'],
  unconfined: ['--no-sandbox', '--network', 'host'],
} as const;

/**
 * Time-to-healthy of one run, in ms: from starting `repo-runner run --json` in the
 * foreground until its report (healthy) is printed; the run is then stopped with Ctrl-C
 * (SIGINT), untimed. A detached run would also time the hand-over to its supervisor.
 */
async function timedRun(home: string, repo: string, flags: readonly string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'run', repo, '--json', ...flags], {
    env: { ...process.env, REPO_RUNNER_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  const report = await new Promise<{ status: string }>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      try {
        resolve(JSON.parse(out));
      } catch {
        /* not all of it yet */
      }
    });
    child.once('exit', (code) => reject(new Error(`${repo}: exited ${code} before its report`)));
  });
  const ms = performance.now() - started;
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  if (report.status !== 'healthy') throw new Error(`${repo}: ${report.status}`);
  return ms;
}

const spawnMs = spawnCost();
console.log(
  `spawn: direct ${spawnMs.directMs.toFixed(1)} ms, sandboxed ${spawnMs.sandboxedMs.toFixed(1)} ms (+${(spawnMs.sandboxedMs - spawnMs.directMs).toFixed(1)} ms per process)`,
);
const rows: Array<Record<string, unknown>> = [];
for (const name of FIXTURES) {
  const tmp = tempDir(`bench-sandbox-${name}`);
  try {
    const home = path.join(tmp.dir, 'home');
    const repo = copyFixture(name, tmp.dir);
    await timedRun(home, repo, MODES.confined); // installs; not timed
    const times = {
      confined: [] as number[],
      bwrapHostNet: [] as number[],
      unconfined: [] as number[],
    };
    for (let i = 0; i < ROUNDS; i++)
      for (const mode of Object.keys(MODES) as Array<keyof typeof MODES>)
        times[mode].push(await timedRun(home, repo, MODES[mode]));
    const [a, h, b] = [
      median(times.confined),
      median(times.bwrapHostNet),
      median(times.unconfined),
    ];
    const share = (x: number) => `${(((x - b) / b) * 100).toFixed(1)} %`;
    rows.push({
      fixture: name,
      confinedMs: Math.round(a),
      bwrapHostNetMs: Math.round(h),
      unconfinedMs: Math.round(b),
      addedConfined: share(a),
      addedBwrapOnly: share(h),
    });
  } finally {
    tmp.cleanup();
  }
}
console.table(rows);
