import { cpSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The built CLI launcher, as users run it. */
export const BIN = path.join(ROOT, 'bin', 'repo-runner.js');

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `rr-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies `fixtures/repos/<name>` to a temp dir (fixtures stay clean) and returns its path. */
export function copyFixture(name: string, into: string): string {
  const dest = path.join(into, name);
  cpSync(path.join(ROOT, 'fixtures', 'repos', name), dest, {
    recursive: true,
    filter: (src) => !/(node_modules|\.venv|__pycache__)/.test(src),
  });
  return dest;
}

/** The fixture's expectation: the path to GET, the status and a string the body contains. */
export function readExpect(name: string): { path: string; status: number; bodyContains: string } {
  return JSON.parse(
    readFileSync(path.join(ROOT, 'fixtures', 'repos', name, 'expect.json'), 'utf8'),
  );
}

/** Runs the CLI with its own data directory. Never throws on a non-zero exit. */
export async function cli(
  home: string,
  args: string[],
  options: { timeoutMs?: number; cwd?: string; env?: Record<string, string> } = {},
) {
  const r = await execa(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { REPO_RUNNER_HOME: home, NO_COLOR: '1', ...options.env },
    reject: false,
    timeout: options.timeoutMs ?? 240_000,
    stdin: 'ignore',
  });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Parses the CLI's JSON output, with the raw output in the error when it is not JSON. */
export function parseJson<T = any>(out: { stdout: string; stderr: string }): T {
  try {
    return JSON.parse(out.stdout) as T;
  } catch {
    throw new Error(`not JSON:\nstdout: ${out.stdout}\nstderr: ${out.stderr}`);
  }
}

/**
 * True while any live (non-zombie) process of the group `pgid` exists. This machine's PID 1
 * does not reap orphans, so exited members linger as zombies; they hold nothing.
 */
export function groupAlive(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      /* exited while we looked */
    }
  }
  return false;
}

/** Pids of every process whose command line mentions `needle` (from /proc). */
export function processesMatching(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z' && cmd.includes(needle)) found.push(Number(entry));
    } catch {
      /* exited while we looked */
    }
  }
  return found;
}

/** Polls `check` every 100 ms until it returns true or `timeoutMs` passes. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/** Pids of live (non-zombie) processes whose working directory is inside `dir`. */
export function processesUnder(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      if (cwd === dir || cwd.startsWith(`${dir}/`)) found.push(Number(entry));
    } catch {
      /* exited, or not ours to read */
    }
  }
  return found;
}
