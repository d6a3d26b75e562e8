import { accessSync, constants, existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { isWithin } from '../repo/resolve-inside.js';
import { CACHE_HOME_DIRS, seedRunHome, toolchainDirs } from './run-home.js';
import { giveToRun } from './sandbox-user.js';

/**
 * How a run's processes are confined: `bubblewrap` (the default: see {@link bwrapArgv}) or
 * `none` (only when the user asks with `--no-sandbox`; the server refuses it unless it was
 * started with `--unsafe-no-sandbox`).
 */
export type SandboxKind = 'bubblewrap' | 'none';

/** One command of a run, before or after confinement. */
export interface SandboxCommand {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /**
   * A service, which outlives the process that started it (the CLI returns after
   * `--detach`; a supervisor adopts it): not killed with its parent. Steps are.
   */
  service?: boolean;
  /**
   * Files shown read-only at another path (a compose secret at `/run/secrets/<name>`):
   * `source` an absolute host path the caller resolved inside the repository, `target`
   * absolute inside the sandbox, under `/run` (the sandbox's own, empty) only.
   */
  files?: Array<{ source: string; target: string }>;
}

/**
 * What one run's sandbox shows and hides. Paths are absolute on the host.
 */
export interface SandboxView {
  /** This run's directory: writable (state, logs, per-run HOME under `home/`, TMPDIR `tmp/`). */
  runDir: string;
  /** The repository: writable, its `.git` read-only. Null before the fetch phase. */
  repoPath: string | null;
  /**
   * The build workspace the repository is a member of (a Cargo workspace root above it),
   * writable like the repository, its `.git` read-only. Null or absent: none.
   */
  buildRoot?: string | null;
  /** Repo Runner's data dir (the store, other runs): hidden but for `runDir`. */
  dataDir: string;
  /** The operator's home: hidden but for the toolchains on PATH and the caches. */
  operatorHome: string;
  /**
   * Root of the package caches the run shares (npm, pip, Go, Cargo, Maven…), one per user in
   * the service; null: the operator's own caches (the local CLI, whose user is the operator).
   */
  cacheDir: string | null;
  /** More writable folders (database data kept with `--keep-data`). */
  writable?: string[];
  /**
   * Folders shown read-only wherever they are (even under the hidden `/tmp` or home):
   * Repo Runner's own install, whose built-in static server a run may start.
   */
  readOnly?: string[];
  /**
   * Folders inside the data dir shown read-only (the tools Repo Runner provisioned, see
   * `provisioned-tools.ts`), though the rest of the data dir is hidden.
   */
  tools?: string[];
  /** Mounted over `/etc/hosts` (the run network's names), when the run has its own network. */
  hostsFile?: string | null;
  /** Mounted over `/etc/resolv.conf`, when the run network needs its own resolver. */
  resolvConf?: string | null;
  /** Commands the confined one runs under (the run's cgroup shim, `ip netns exec`). */
  prefix?: string[];
  /**
   * The unprivileged uid (and gid) the command runs as (service mode; see
   * `sandbox-user.ts`); null or absent: Repo Runner's own user, without capabilities.
   */
  uid?: number | null;
  /** The gid to run as, when it differs from `uid` (a database server's system account). */
  gid?: number | null;
  /**
   * Whether the package caches are mounted (writable). Default true; a database server,
   * which installs nothing, sees none.
   */
  caches?: boolean;
}

/**
 * System files a process running as root without capabilities could still read or use as
 * their owner (root-owned, not world-readable): password hashes, host keys, TLS private keys,
 * sudo's state, container engines' sockets. Each is hidden (an empty file or folder over
 * it) where it exists. A run of a root Repo Runner keeps uid 0 (without capabilities), so
 * owner permissions still apply to it: this list is what that leaves readable on Debian.
 */
export const HIDDEN_SYSTEM_PATHS = [
  '/etc/shadow',
  '/etc/shadow-',
  '/etc/gshadow',
  '/etc/gshadow-',
  '/etc/sudoers',
  '/etc/sudoers.d',
  '/etc/ssh',
  '/etc/ssl/private',
  '/var/lib/sudo',
  // Where /var/run is a folder of its own rather than a link to /run (hidden whole).
  '/var/run/docker.sock',
];

/**
 * What of the host's `/run` a sandbox keeps (read-only): systemd-resolved's folder, where
 * `/etc/resolv.conf` points on hosts that run it. Everything else there is hidden.
 */
const KEPT_RUN_PATHS = ['/run/systemd/resolve'];

/** True when `p` is `dir` or below it. */
const inside = (dir: string, p: string) => isWithin(p, dir);

/** Real path of `p` when it exists (mounts follow symlinks on the host), else `p`. */
const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/**
 * The bubblewrap command line that runs `cmd` confined to `view`:
 * - the whole system read-only (`--ro-bind / /`), a private `/dev`, a `/proc` of its own
 *   process tree (`--unshare-pid`), its own IPC and host name;
 * - the operator's home replaced by the run's `home/` (same path, so tools' defaults keep
 *   working), with the toolchains put back read-only and the package caches writable;
 * - the data dir hidden (an empty tmpfs) but for this run's directory; `/tmp` and `/run`
 *   private (compose secrets shown read-only under `/run/secrets`);
 * - the repository writable, its `.git` read-only;
 * - no capabilities (`--cap-drop ALL`, and bubblewrap sets no-new-privileges); a step is
 *   killed with its parent; and because bubblewrap is the init of its PID namespace, every
 *   process the command started (daemonised or `setsid` ones included) dies with it.
 *
 * Mount order matters: a later mount lies over an earlier one.
 * Source of the shape: OpenAI Codex CLI's Linux sandbox (`--ro-bind / /`, writable roots
 * re-bound, `.git` read-only, no new privileges).
 */
export function bwrapArgv(view: SandboxView, cmd: SandboxCommand): string[] {
  const home = view.operatorHome;
  const runHome = path.join(view.runDir, 'home');
  const runTmp = path.join(view.runDir, 'tmp');
  const uid = view.uid ?? null;
  mkdirSync(runTmp, { recursive: true });
  seedRunHome(runHome, home, uid);
  giveToRun(runTmp, uid, false);
  const a = ['bwrap', ...(cmd.service ? [] : ['--die-with-parent'])];
  a.push('--unshare-pid', '--unshare-ipc', '--unshare-uts');
  a.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc');
  // POSIX shared memory and semaphores (PostgreSQL's dynamic shared memory, Python's
  // multiprocessing): a private, world-writable /dev/shm, as on the host.
  a.push('--perms', '1777', '--tmpfs', '/dev/shm');
  // Empty filesystems laid over the view, and the folders made in them: bubblewrap makes a
  // mount point's missing parents root-only, which the run's own user could not enter.
  const empties: string[] = [];
  const made = new Set<string>();
  const mount = (flag: string, source: string | null, dest: string) => {
    const under = empties
      .filter((e) => inside(e, dest) && e !== dest)
      .sort((x, y) => y.length - x.length)[0];
    if (under) {
      const parts = path.relative(under, path.dirname(dest)).split(path.sep).filter(Boolean);
      let dir = under;
      for (const part of parts) {
        dir = path.join(dir, part);
        if (!made.has(dir)) a.push('--perms', '0755', '--dir', dir);
        made.add(dir);
      }
    }
    if (flag === '--tmpfs') {
      a.push('--perms', dest === '/tmp' ? '1777' : '0755', '--tmpfs', dest);
      empties.push(dest);
    } else a.push(flag, source ?? '', dest);
    made.add(dest);
  };
  mount('--tmpfs', null, '/tmp');
  // The host's /run holds unix sockets the run network does not cover (database servers',
  // D-Bus, container engines', the run networks' relays): a private, empty one, as a
  // container has; only the resolver's folder (where /etc/resolv.conf may point) is kept.
  mount('--tmpfs', null, '/run');
  for (const keep of KEPT_RUN_PATHS) if (existsSync(keep)) mount('--ro-bind', keep, keep);
  for (const p of HIDDEN_SYSTEM_PATHS) {
    let dir: boolean;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      continue; // not on this machine
    }
    if (dir) mount('--tmpfs', null, p);
    else mount('--ro-bind', '/dev/null', p);
  }
  mount('--bind', runHome, home);
  // Toolchains read-only, caches writable, shallower first: `.cargo` (a cache) lies under
  // `.cargo/bin` (a toolchain), `go` (a toolchain) under `go/pkg/mod` (a cache).
  const mounts: Array<[string, string, string]> = [];
  for (const dir of toolchainDirs(home, cmd.env.PATH ?? '')) mounts.push(['--ro-bind', dir, dir]);
  for (const rel of view.caches === false ? [] : CACHE_HOME_DIRS) {
    const target = path.join(home, rel);
    const source = view.cacheDir ? path.join(view.cacheDir, rel) : target;
    if (view.cacheDir) {
      if (!existsSync(source)) {
        mkdirSync(source, { recursive: true });
        giveToRun(source, uid);
      }
    } else if (!existsSync(source)) {
      // The operator's own cache, made where the tool itself would make it on its first
      // unconfined use: unmounted, it would land in the run's home and be lost with the run
      // (every Go build cold, 100-240 s on real repositories).
      try {
        mkdirSync(source, { recursive: true });
      } catch {
        continue;
      }
    }
    mounts.push(['--bind', source, target]);
  }
  mounts.sort((x, y) => x[2].split(path.sep).length - y[2].split(path.sep).length);
  for (const [flag, source, dest] of mounts) mount(flag, source, dest);
  for (const dir of view.readOnly ?? []) mount('--ro-bind', dir, dir);
  // A workspace root above the repository (see SandboxView.buildRoot), before the hidden data
  // dir and the run dir so those still cover it; never one that holds the operator's home,
  // the data dir or the run dir (it would show them).
  if (view.buildRoot) {
    const root = real(view.buildRoot);
    const holds = [view.operatorHome, view.dataDir, view.runDir].some((p) => inside(root, p));
    if (!holds) {
      mount('--bind', root, root);
      const git = path.join(root, '.git');
      if (existsSync(git)) mount('--ro-bind', git, git);
    }
  }
  // After the read-only folders: a data dir inside Repo Runner's own install stays hidden.
  mount('--tmpfs', null, view.dataDir);
  for (const dir of view.tools ?? []) if (existsSync(dir)) mount('--ro-bind', dir, dir);
  mount('--bind', view.runDir, view.runDir);
  for (const dir of view.writable ?? []) mount('--bind', dir, dir);
  if (view.repoPath) {
    const repo = real(view.repoPath);
    const git = path.join(repo, '.git');
    mount('--bind', repo, repo);
    if (existsSync(git)) mount('--ro-bind', git, git);
    // The path as given, when it reaches the repository through a symlink (under the private
    // /tmp the symlink itself is gone): its `.git` is read-only under that name too.
    if (repo !== view.repoPath) {
      mount('--bind', repo, view.repoPath);
      if (existsSync(git)) mount('--ro-bind', git, path.join(view.repoPath, '.git'));
    }
  }
  for (const f of cmd.files ?? []) {
    if (inside('/run', f.target) && f.target !== '/run') mount('--ro-bind', f.source, f.target);
  }
  if (view.hostsFile) a.push('--ro-bind', view.hostsFile, '/etc/hosts');
  if (view.resolvConf) a.push('--ro-bind', view.resolvConf, '/etc/resolv.conf');
  if (uid === null) {
    a.push('--cap-drop', 'ALL', '--chdir', cmd.cwd, '--');
    return [...(view.prefix ?? []), ...a, ...cmd.argv];
  }
  // Mounts need root; the command must not be it: bubblewrap keeps only the right to switch
  // user, which setpriv uses and which the switch itself clears (a non-zero uid keeps no
  // capabilities; no-new-privileges stops any from coming back through exec).
  a.push('--cap-drop', 'ALL', '--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID');
  a.push('--chdir', cmd.cwd, '--');
  const drop = ['setpriv', `--reuid=${uid}`, `--regid=${view.gid ?? uid}`, '--clear-groups'];
  drop.push('--inh-caps=-all', '--');
  return [...(view.prefix ?? []), ...a, ...drop, ...cmd.argv];
}

/**
 * Finds `program` as the child would: a path with a slash against `cwd`, else the entries of
 * `pathVar`. Null when there is no executable file: the caller reports it as a spawn
 * `ENOENT`, as an unconfined spawn would (bubblewrap itself would start, then fail to exec).
 */
export function resolveProgram(program: string, cwd: string, pathVar: string): string | null {
  const candidates = program.includes('/')
    ? [path.resolve(cwd, program)]
    : pathVar
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(path.resolve(cwd, dir), program));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      /* not here */
    }
  }
  return null;
}

/**
 * Confines `cmd` to `view` with `kind`: the command to spawn instead, and the same
 * environment (the caller filtered it with `allowedEnv`, and put TMPDIR into the run's own
 * `tmp/`). `none` returns the command unchanged.
 *
 * @returns null when the program does not exist (report a spawn ENOENT).
 */
export function confineCommand(
  kind: SandboxKind,
  view: SandboxView,
  cmd: SandboxCommand,
): SandboxCommand | null {
  const program = cmd.argv[0] ?? '';
  if (!resolveProgram(program, cmd.cwd, cmd.env.PATH ?? '')) return null;
  // Without the sandbox the run's cgroup (and network) still hold the command.
  if (kind === 'none') return { ...cmd, argv: [...(view.prefix ?? []), ...cmd.argv] };
  const env = { ...cmd.env, TMPDIR: path.join(view.runDir, 'tmp') };
  return {
    // argv[0] as given: bubblewrap looks it up on the same PATH, and a shell keeps its own
    // name in its messages (`sh: 1: gunicorn: not found`, which the classifier reads).
    argv: bwrapArgv(view, cmd),
    cwd: cmd.cwd,
    env,
  };
}
