import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execa, execaSync } from 'execa';
import { z } from 'zod';
import { BIN, ROOT, processesUnder, waitFor } from './helpers.js';

/** Where the broken corpus lives: one repo per error class (see its README.md). */
export const BROKEN_DIR = path.join(ROOT, 'fixtures', 'broken');

/**
 * A broken fixture's expect.json. Fixable ones name the action kind that heals them
 * (`fixedBy`, see src/model/fix-action.ts) and what the healed app serves; the others
 * only the class the run must end with.
 */
export const BrokenExpectSchema = z
  .object({
    /** The error class the failure must be classified as (src/fixer/classes.ts). */
    class: z.string().min(1),
    fixable: z.boolean(),
    /** The `action.kind` of the fix that heals it. */
    fixedBy: z.string().min(1).optional(),
    /** Path to GET once healthy, and a string its body contains. */
    path: z.string().startsWith('/').optional(),
    bodyContains: z.string().min(1).optional(),
    /** Extra `run` flags; `{occupied}` stands for the port `occupy` holds. */
    runOptions: z.array(z.string()).optional(),
    /** Hold a free port on this address during the run (another server on the machine). */
    occupy: z.string().optional(),
    /** Ports that must be free on 127.0.0.1 for the break to show (a database's default). */
    freePorts: z.array(z.number().int().positive()).optional(),
    /** The run must end within this many seconds (a failure that must be seen early). */
    maxSeconds: z.number().int().positive().optional(),
    /** Files a healed run may leave changed in the repository (e.g. the chmod's target). */
    changes: z.array(z.string()).optional(),
    /** Why it is broken. */
    note: z.string().min(1),
  })
  .strict()
  .refine((e) => !e.fixable || Boolean(e.fixedBy && e.path && e.bodyContains), {
    message: 'a fixable fixture names fixedBy, path and bodyContains',
  });
export type BrokenExpect = z.infer<typeof BrokenExpectSchema>;

/** Every broken fixture (a folder of fixtures/broken with an expect.json), sorted. */
export function brokenFixtureNames(): string[] {
  return readdirSync(BROKEN_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(BROKEN_DIR, d.name, 'expect.json')))
    .map((d) => d.name)
    .sort();
}

/** The fixture's expect.json, validated. */
export function readBrokenExpect(name: string): BrokenExpect {
  const file = path.join(BROKEN_DIR, name, 'expect.json');
  return BrokenExpectSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Directories runs create in a repository; git ignores them in the temp repo too. */
const RUN_ARTIFACTS = ['node_modules/', '.venv/', '__pycache__/'];

/**
 * Runs git read-only in the project, never anything that changes it (other work goes on in
 * the same tree): `--no-optional-locks` keeps `status` from refreshing the index.
 */
function gitRead(args: string[]): string | null {
  try {
    return execaSync('git', ['--no-optional-locks', ...args], {
      cwd: ROOT,
      stripFinalNewline: false,
    }).stdout;
  } catch {
    return null;
  }
}

/**
 * The fixture's files as git sees them: tracked, plus untracked files that are not ignored,
 * so what an earlier run in place left (an ignored config.json, dist/, a venv) is never
 * copied and the copy is broken as committed. Null outside a git checkout.
 */
function fixtureFiles(name: string): string[] | null {
  const rel = path.relative(ROOT, path.join(BROKEN_DIR, name));
  const out = gitRead(['ls-files', '-z', '--cached', '--others', '--exclude-standard', rel]);
  if (out === null) return null;
  const files = out
    .split('\0')
    .filter(Boolean)
    .map((f) => path.relative(rel, f));
  return files.filter((f) => existsSync(path.join(BROKEN_DIR, name, f)));
}

/** `git status --porcelain` of a fixture's source folder (to show a run leaves it alone). */
export function sourceStatus(name: string): string {
  const rel = path.relative(ROOT, path.join(BROKEN_DIR, name));
  return gitRead(['status', '--porcelain', '--untracked-files=all', '--', rel]) ?? '';
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'broken-corpus',
  GIT_AUTHOR_EMAIL: 'broken-corpus@localhost',
  GIT_COMMITTER_NAME: 'broken-corpus',
  GIT_COMMITTER_EMAIL: 'broken-corpus@localhost',
};

/**
 * Copies `fixtures/broken/<name>` into `into` (file modes kept: permission-denied depends on
 * them) and makes the copy a git repository with one commit, so what a run changes in it
 * shows in `git status` (see {@link repoChanges}). Runs always work on such a copy: a fix
 * changes the repository it heals (a chmod, a created config file, installed packages, a
 * build), and the corpus must stay broken.
 */
export async function copyBrokenFixture(name: string, into: string): Promise<string> {
  const src = path.join(BROKEN_DIR, name);
  const dest = path.join(into, name);
  const files = fixtureFiles(name);
  if (files === null || files.length === 0) {
    cpSync(src, dest, {
      recursive: true,
      filter: (f) => !/(^|\/)(node_modules|\.venv|__pycache__)(\/|$)/.test(f),
    });
  } else {
    for (const f of files) {
      mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
      copyFileSync(path.join(src, f), path.join(dest, f));
    }
  }
  const git = (...args: string[]) => execa('git', args, { cwd: dest, env: GIT_ENV });
  await git('init', '-q', '-b', 'main');
  writeFileSync(path.join(dest, '.git', 'info', 'exclude'), `${RUN_ARTIFACTS.join('\n')}\n`);
  await git('add', '-A');
  await git('commit', '-qm', `fixtures/broken/${name}`);
  return dest;
}

/**
 * What a run changed in a copy made by {@link copyBrokenFixture}: `git status --porcelain`
 * paths, ignored files left out (the fixture's own .gitignore, plus node_modules, .venv and
 * __pycache__).
 */
export async function repoChanges(repo: string): Promise<string[]> {
  const r = await execa('git', ['status', '--porcelain', '--untracked-files=all'], {
    cwd: repo,
    reject: false,
  });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
}

/** True when nothing accepts connections on 127.0.0.1:`port`. */
async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** A port nothing listens on, on any interface (the OS's pick for a wildcard bind). */
async function wildcardFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Listens on `host`:`port` until closed: another program holding that address. */
async function holdPort(host: string, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer((c) => c.destroy());
    s.once('error', reject);
    s.listen(port, host, () => resolve(s));
  });
}

/** One entry of the report's `fixes`, as read here. */
export interface FixEntry {
  attempt: number;
  phase: string;
  class: string;
  source: string;
  kind: string;
  outcome: string;
  detail?: string;
}

/** What running one broken fixture gave. Times in milliseconds. */
export interface BrokenResult {
  fixture: string;
  expect: BrokenExpect;
  runId: string | null;
  exitCode: number;
  status: string | null;
  /** The report's `cause` (absent when healthy). */
  cause: { class: string; fixable: boolean; evidence: string; nextStep?: string } | null;
  fixes: FixEntry[];
  /** Healthy and the expected path answered 2xx with `bodyContains`. */
  answered: boolean;
  /** A fix with action kind `fixedBy` was kept (outcome fixed or progress). */
  fixedByExpected: boolean;
  /** Fixable: healthy, answered and fixed by the expected action; else: ended with its class. */
  ok: boolean;
  /** Files the run left changed in the repository copy (ignored files left out). */
  repoChanges: string[];
  /** Pids still running under the copy or the data dir after `stop`. */
  leftover: number[];
  timeMs: number;
  /** What went wrong around the run (no JSON report, the request failed). */
  error: string | null;
  /** Why the fixture was not run: the machine cannot show its break (a port is taken). */
  skipped: string | null;
}

/** Options of {@link runBrokenFixture}. */
export interface RunBrokenOptions {
  /** Extra `run` flags after the fixture's own (e.g. `--no-fix` for a baseline). */
  extraArgs?: string[];
  /** The CLI to run (default: bin/repo-runner.js). */
  bin?: string;
  /**
   * Called once the run reported, before it is stopped (while its port occupier still holds
   * its port): bench:intervene has the Admin Agent intervene here.
   */
  afterRun?: (result: BrokenResult, home: string) => Promise<void>;
}

async function runCli(bin: string, home: string, args: string[], timeoutMs: number) {
  const r = await execa(process.execPath, [bin, ...args], {
    cwd: ROOT,
    env: { REPO_RUNNER_HOME: home, NO_COLOR: '1' },
    reject: false,
    timeout: timeoutMs,
    stdin: 'ignore',
  });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs one broken fixture for real: a fresh git copy in `workDir`, data dir `home`, `run
 * --detach --json` with its runOptions (holding the `occupy` port meanwhile), then GETs the
 * expected path when healthy, stops the run, and reports what changed in the copy and which
 * processes are left.
 */
export async function runBrokenFixture(
  name: string,
  workDir: string,
  home: string,
  options: RunBrokenOptions = {},
): Promise<BrokenResult> {
  const expect = readBrokenExpect(name);
  const result: BrokenResult = {
    fixture: name,
    expect,
    runId: null,
    exitCode: -1,
    status: null,
    cause: null,
    fixes: [],
    answered: false,
    fixedByExpected: false,
    ok: false,
    repoChanges: [],
    leftover: [],
    timeMs: 0,
    error: null,
    skipped: null,
  };
  for (const port of expect.freePorts ?? []) {
    if (!(await portFree(port))) {
      result.skipped = `port ${port} is taken on 127.0.0.1: ${name} cannot show its break here`;
      return result;
    }
  }
  mkdirSync(workDir, { recursive: true });
  const repo = await copyBrokenFixture(name, workDir);
  let occupier: net.Server | null = null;
  let occupied = '';
  if (expect.occupy) {
    occupied = String(await wildcardFreePort());
    occupier = await holdPort(expect.occupy, Number(occupied));
  }
  const runOptions = (expect.runOptions ?? []).map((o) => o.replaceAll('{occupied}', occupied));
  const bin = options.bin ?? BIN;
  const started = performance.now();
  try {
    const out = await runCli(
      bin,
      home,
      ['run', repo, '--detach', '--json', ...runOptions, ...(options.extraArgs ?? [])],
      600_000,
    );
    result.timeMs = Math.round(performance.now() - started);
    result.exitCode = out.code;
    let report: any;
    try {
      report = JSON.parse(out.stdout);
    } catch {
      result.error = `no JSON report (exit ${out.code}): ${out.stderr.slice(-800)}`;
      return result;
    }
    result.runId = report.runId ?? null;
    result.status = report.status ?? null;
    result.cause = report.cause ?? null;
    result.fixes = (report.fixes ?? []).map((f: any) => ({
      attempt: f.attempt,
      phase: f.phase,
      class: f.class,
      source: f.source,
      kind: f.action?.kind,
      outcome: f.outcome,
      ...(f.detail ? { detail: f.detail } : {}),
    }));
    result.fixedByExpected = result.fixes.some(
      (f) => f.kind === expect.fixedBy && (f.outcome === 'fixed' || f.outcome === 'progress'),
    );
    const svc = report.services?.find((s: any) => s.url !== null);
    if (report.status === 'healthy' && svc?.url && expect.path && expect.bodyContains) {
      try {
        const res = await fetch(new URL(expect.path, svc.url), {
          signal: AbortSignal.timeout(10_000),
        });
        const body = await res.text();
        result.answered = res.ok && body.includes(expect.bodyContains);
        if (!result.answered)
          result.error = `${svc.name} answered ${res.status}: ${body.slice(0, 200)}`;
      } catch (err) {
        result.error = `request failed: ${(err as Error).message}`;
      }
    } else if (report.error) {
      result.error = `${report.error.code}: ${report.error.message.split('\n')[0]}`;
    }
    await options.afterRun?.(result, home);
  } finally {
    if (result.runId) await runCli(bin, home, ['stop', result.runId], 60_000);
    if (occupier) await new Promise((r) => occupier.close(r));
  }
  result.repoChanges = (await repoChanges(repo)).filter((f) => !expect.changes?.includes(f));
  await waitFor(() => processesUnder(repo).length + processesUnder(home).length === 0, 10_000);
  result.leftover = [...processesUnder(repo), ...processesUnder(home)];
  result.ok = expect.fixable
    ? result.status === 'healthy' && result.answered && result.fixedByExpected
    : result.status !== 'healthy' && result.cause?.class === expect.class;
  return result;
}

/** The mode bits of a fixture file, for checks that the corpus is broken as committed. */
export function fixtureMode(name: string, file: string): number {
  return statSync(path.join(BROKEN_DIR, name, file)).mode & 0o777;
}

/** The mode git records for a fixture file (`100644`), or null when it is not tracked. */
export function trackedMode(name: string, file: string): string | null {
  const rel = path.relative(ROOT, path.join(BROKEN_DIR, name, file));
  const line = gitRead(['ls-files', '-s', '--', rel])?.trim();
  return line ? (line.split(/\s+/)[0] ?? null) : null;
}
