import { existsSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { enclosingBuildRoot } from '../repo/build-root.js';
import { RepoRunnerError, UnrecoverableError } from '../model/errors.js';
import type { Workspace } from '../model/run-state.js';
import type { RunContext } from '../model/run-context.js';
import { runCommand } from '../exec/run-command.js';
import { giveToRun } from '../exec/sandbox-user.js';
import { outputTail } from '../exec/process-result.js';
import type { Agent } from './agent.js';
import { assertPublicGitHost } from './git-host-check.js';
import { parseSource } from './git-source.js';

/** Give up on a clone after 10 minutes. */
const CLONE_TIMEOUT_MS = 10 * 60_000;

/** Variables git needs from our environment; everything else (EDITOR, GIT_* overrides) stays out. */
const PASSED_TO_GIT = [
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'SSH_AUTH_SOCK',
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
  'GIT_SSL_CAINFO',
  'SSL_CERT_FILE',
];

/**
 * Environment for git: a short allow-list of ours, plus settings that keep git from ever
 * prompting and from using any transport but https, http, ssh, git and file.
 */
function gitEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const base: Record<string, string> = {};
  for (const key of PASSED_TO_GIT) {
    const value = env[key];
    if (value !== undefined) base[key] = value;
  }
  return {
    ...base,
    GIT_TERMINAL_PROMPT: '0',
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes -o ConnectTimeout=20',
    GIT_ALLOW_PROTOCOL: 'https:http:ssh:git:file',
  };
}

/**
 * FileAgent: makes the workspace. A local directory is used in place (never copied or
 * changed here); a git URL is cloned shallow (`--depth 1`) into `<run dir>/workspace`.
 * A local path that is a bare git repository (no work tree) is cloned too.
 *
 * @throws UnrecoverableError BAD_INPUT for a missing path, a file, or a refused URL (in
 *   service mode also one whose host is loopback, link-local or private);
 *   RepoRunnerError FETCH_FAILED when the clone fails (retried once by the orchestrator).
 */
export const fileAgent = {
  name: 'FileAgent',
  phase: 'fetch',
  produces: 'workspace',
  async run(ctx): Promise<Workspace> {
    let source;
    try {
      source = parseSource(ctx.source);
    } catch (err) {
      throw new UnrecoverableError(
        'BAD_INPUT',
        (err as Error).message,
        'pass a local directory or an https, ssh or file git URL',
      );
    }
    if (source.kind === 'path') {
      const abs = path.resolve(source.path);
      if (!existsSync(abs)) {
        throw new UnrecoverableError(
          'BAD_INPUT',
          `path ${abs} does not exist`,
          'check the path, or pass a git URL to clone',
        );
      }
      if (!statSync(abs).isDirectory()) {
        throw new UnrecoverableError(
          'BAD_INPUT',
          `${abs} is a file, not a directory`,
          'pass the folder that holds the project',
        );
      }
      const real = realpathSync(abs);
      if (
        existsSync(path.join(real, 'HEAD')) &&
        existsSync(path.join(real, 'objects')) &&
        !existsSync(path.join(real, '.git'))
      ) {
        return clone(ctx, `file://${real}`);
      }
      // Service mode: a folder under the repos roots is shared by every user who may run it,
      // so each run works on its own copy (owned by the run's user), never on the folder.
      if ((await ctx.store.getRun(ctx.runId))?.userId) return copyFolder(ctx, real);
      const buildRoot = enclosingBuildRoot(real);
      if (buildRoot)
        ctx.bus.publish({
          kind: 'info',
          phase: 'fetch',
          message: `${real} is a member of the Cargo workspace at ${buildRoot}: the run may write there too (its target dir and Cargo.lock)`,
        });
      return { repoPath: real, kind: 'local', commit: null, ...(buildRoot ? { buildRoot } : {}) };
    }
    // An API run (it has an owner) is service mode: never clone from the server's own network.
    if (source.transport !== 'file' && (await ctx.store.getRun(ctx.runId))?.userId)
      await assertPublicGitHost(source.url);
    return clone(ctx, source.url);
  },
} satisfies Agent<'workspace'>;

/**
 * Clones `url` shallow into `<run dir>/workspace`, in the run's cgroup and network (so a URL
 * cannot reach this machine's loopback or private networks), git itself unconfined by
 * bubblewrap: it is our program with fixed arguments, and `--` keeps the URL an argument.
 */
async function clone(ctx: RunContext, url: string): Promise<Workspace> {
  const { runDir, env, signal } = ctx;
  // Imported here: only clones need it, and it costs ~50 ms to load.
  const { simpleGit } = await import('simple-git');
  const dest = path.join(runDir, 'workspace');
  if (existsSync(path.join(dest, '.git'))) {
    // A resumed run whose clone finished: reuse it rather than cloning again.
    return { repoPath: dest, kind: 'clone', commit: await headCommit(simpleGit, dest, env) };
  }
  // Clone beside the destination and rename on success, so a half-finished clone (killed,
  // timed out) is never mistaken for a finished one. Both paths are ours, inside the run dir.
  const partial = `${dest}.partial`;
  rmSync(partial, { recursive: true, force: true });
  await ctx.isolation?.network?.outbound();
  const result = await runCommand(
    [
      ...(ctx.isolation?.prefix ?? []),
      'git',
      'clone',
      '--depth',
      '1',
      '--no-tags',
      '--',
      url,
      partial,
    ],
    { cwd: runDir, env: gitEnv(env), timeoutMs: CLONE_TIMEOUT_MS, signal },
  );
  if (result.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
  if (result.failed) {
    const message = outputTail(result, 3).join(' | ') || result.spawnError || 'failed';
    throw new RepoRunnerError(
      'FETCH_FAILED',
      `git clone of ${url} failed: ${message}${result.timedOut ? ' (timed out)' : ''}`,
      'check the URL and that this machine can reach it (and has the credentials for it)',
      { details: { result } },
    );
  }
  giveToRun(partial, ctx.isolation?.uid ?? null);
  renameSync(partial, dest);
  return { repoPath: dest, kind: 'clone', commit: await headCommit(simpleGit, dest, env) };
}

/**
 * Copies a local folder into `<run dir>/workspace` (`cp -a`: symlinks are copied as links,
 * never followed; the path checks that every later read makes still apply to them), given to
 * the run's user. A resumed run reuses a finished copy; a half-made one is made again.
 *
 * @throws RepoRunnerError FETCH_FAILED when the copy fails (a full disk, unreadable files).
 */
async function copyFolder(ctx: RunContext, real: string): Promise<Workspace> {
  const dest = path.join(ctx.runDir, 'workspace');
  if (existsSync(dest)) return { repoPath: dest, kind: 'copy', commit: null };
  const partial = `${dest}.partial`;
  rmSync(partial, { recursive: true, force: true });
  await ctx.isolation?.network?.outbound();
  const result = await runCommand(['cp', '-a', '--reflink=auto', '--', real, partial], {
    cwd: ctx.runDir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    signal: ctx.signal,
  });
  if (result.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
  if (result.failed)
    throw new RepoRunnerError(
      'FETCH_FAILED',
      `could not copy ${real} into the run: ${outputTail(result, 3).join(' | ')}`,
      'check that the folder is readable and the disk has room',
      { details: { result } },
    );
  giveToRun(partial, ctx.isolation?.uid ?? null);
  renameSync(partial, dest);
  return { repoPath: dest, kind: 'copy', commit: null };
}

/** The commit a clone has checked out. */
async function headCommit(
  simpleGit: typeof import('simple-git').simpleGit,
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  // GIT_SSH_COMMAND is our own fixed value (BatchMode), not user input.
  const git = simpleGit({ baseDir: dir, unsafe: { allowUnsafeSshCommand: true } });
  return (await git.env(gitEnv(env)).revparse(['HEAD'])).trim();
}
