/**
 * `npm run bench:sandbox`: what the sandbox costs.
 *
 * 1. Spawn cost: `true` run 50 times directly and under the run's bubblewrap view (ms each).
 * 2. Time-to-healthy: each fixture run warm (dependencies installed by a first, untimed run)
 *    with and without the sandbox, alternating, 3 rounds each; the median of each, and the
 *    added share. Goal (issue #11): at most 5 % added to time-to-healthy.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { confineCommand } from '../src/exec/sandbox.js';
import { allowedEnv } from '../src/exec/sandbox-env.js';
import { cli, copyFixture, tempDir } from '../test/helpers.js';

const FIXTURES =
  process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['python-flask', 'node-express'];
const ROUNDS = 3;
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

async function timedRun(home: string, repo: string, sandbox: boolean): Promise<number> {
  const started = performance.now();
  const out = await cli(home, [
    'run',
    repo,
    '--detach',
    '--json',
    ...(sandbox ? [] : ['--no-sandbox']),
  ]);
  const ms = performance.now() - started;
  const report = JSON.parse(out.stdout);
  await cli(home, ['stop', report.runId]);
  if (report.status !== 'healthy') throw new Error(`${repo}: ${report.status}`);
  return ms;
}

const spawn = spawnCost();
console.log(
  `spawn: direct ${spawn.directMs.toFixed(1)} ms, sandboxed ${spawn.sandboxedMs.toFixed(1)} ms (+${(spawn.sandboxedMs - spawn.directMs).toFixed(1)} ms per process)`,
);
const rows: Array<Record<string, unknown>> = [];
for (const name of FIXTURES) {
  const tmp = tempDir(`bench-sandbox-${name}`);
  try {
    const home = path.join(tmp.dir, 'home');
    const repo = copyFixture(name, tmp.dir);
    await timedRun(home, repo, true); // installs; not timed
    const on: number[] = [];
    const off: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      on.push(await timedRun(home, repo, true));
      off.push(await timedRun(home, repo, false));
    }
    const [a, b] = [median(on), median(off)];
    rows.push({
      fixture: name,
      sandboxMs: Math.round(a),
      noSandboxMs: Math.round(b),
      added: `${(((a - b) / b) * 100).toFixed(1)} %`,
    });
  } finally {
    tmp.cleanup();
  }
}
console.table(rows);
