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
 * Every live process from /proc, with its process group. Zombies are left out: this
 * machine's PID 1 does not reap orphans at once, so exited processes linger as zombies.
 */
function liveProcesses(): Array<{ pid: number; pgrp: number }> {
  const live: Array<{ pid: number; pgrp: number }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') live.push({ pid: Number(entry), pgrp: Number(fields[2]) });
    } catch {
      /* exited while we looked */
    }
  }
  return live;
}

/** Reads a /proc entry of `pid`, or null when it has exited or is not ours to read. */
function procRead<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

/** True while any live (non-zombie) process of the group `pgid` exists. */
export function groupAlive(pgid: number): boolean {
  return liveProcesses().some((p) => p.pgrp === pgid);
}

/** Pids of every live process whose command line mentions `needle` (from /proc). */
export function processesMatching(needle: string): number[] {
  return liveProcesses()
    .filter((p) =>
      procRead(() => readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').replace(/\0/g, ' '))?.includes(
        needle,
      ),
    )
    .map((p) => p.pid);
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
  return liveProcesses()
    .filter((p) => {
      const cwd = procRead(() => readlinkSync(`/proc/${p.pid}/cwd`));
      return cwd !== null && (cwd === dir || cwd.startsWith(`${dir}/`));
    })
    .map((p) => p.pid);
}
