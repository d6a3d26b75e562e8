import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isWithin } from '../repo/resolve-inside.js';
import { giveToRun } from './sandbox-user.js';

// What a run's sandbox shows of the operator's home (see `bwrapArgv` in sandbox.ts): the
// toolchains, the package caches, and the run's own home seeded with settings that carry no
// secret.

/**
 * Folders of the operator's home kept visible (read-only) because toolchains live there:
 * pyenv, rustup and cargo, Go, nvm, volta, SDKMAN, pipx/`~/.local/bin`, and Go's config
 * (`GOFLAGS`, `GOTOOLCHAIN` in `~/.config/go/env`). Every other PATH entry inside the home
 * is kept too (see {@link toolchainDirs}). Secrets (`~/.ssh`, `~/.aws`, `~/.config`,
 * `~/.netrc`, Repo Runner's credentials) are not in it.
 */
export const TOOLCHAIN_HOME_DIRS = [
  '.pyenv',
  '.rustup',
  '.cargo/bin',
  'go',
  '.nvm',
  '.volta',
  '.sdkman',
  '.local/bin',
];

/**
 * Package caches under a home, writable and shared by a user's runs: npm, pip, Go modules,
 * checksum database and build cache, Cargo's home (its registry, git checkouts and lock files; its `bin/` is
 * put back read-only over it), Maven, Gradle, Yarn, pnpm.
 */
export const CACHE_HOME_DIRS = [
  '.npm',
  '.cache/pip',
  '.cache/go-build',
  'go/pkg/mod',
  // The Go checksum database's cache (`go mod download` verifies new modules against it and
  // records the tree head in `latest`): read-only, every module not yet cached fails.
  'go/pkg/sumdb',
  '.cargo',
  '.m2/repository',
  '.gradle/caches',
  '.cache/yarn',
  '.local/share/pnpm/store',
];

/**
 * The folders of `home` to keep visible: {@link TOOLCHAIN_HOME_DIRS} and the PATH entries
 * inside `home` that none of them holds (`~/bin`), whichever exist.
 */
export function toolchainDirs(home: string, pathVar: string): string[] {
  const dirs = new Set(TOOLCHAIN_HOME_DIRS.map((d) => path.join(home, d)));
  for (const entry of pathVar.split(path.delimiter)) {
    if (!entry || !isWithin(entry, home) || entry === home) continue;
    if (![...dirs].some((d) => isWithin(entry, d))) dirs.add(entry);
  }
  return [...dirs].filter((d) => existsSync(d)).sort();
}

/** `.npmrc` settings that hold a credential: `_auth`, `_authToken`, `_password`, `username`… */
const NPMRC_SECRET = /(^|:)(_auth|_authToken|_password|username|email|certfile|keyfile)\s*=/i;

/**
 * Creates the run's own home (`<run dir>/home`, mounted at the operator's home path) the
 * first time (given to the run's user `uid`, when it has one): the operator's tool settings a build needs and that carry no secret are
 * copied in (Go's `GOFLAGS`/`GOTOOLCHAIN`, `.npmrc` without its credentials, such as
 * `nodedir` for native addons); nothing is linked, so the run cannot change them.
 */
export function seedRunHome(
  runHome: string,
  operatorHome: string,
  uid: number | null = null,
): void {
  if (existsSync(runHome)) return giveToRun(runHome, uid, false);
  mkdirSync(runHome, { recursive: true });
  const goEnv = path.join(operatorHome, '.config', 'go', 'env');
  if (existsSync(goEnv)) {
    mkdirSync(path.join(runHome, '.config', 'go'), { recursive: true });
    copyFileSync(goEnv, path.join(runHome, '.config', 'go', 'env'));
  }
  const npmrc = path.join(operatorHome, '.npmrc');
  if (existsSync(npmrc)) {
    const kept = readFileSync(npmrc, 'utf8')
      .split('\n')
      .filter((line) => !NPMRC_SECRET.test(line.trim()));
    writeFileSync(path.join(runHome, '.npmrc'), kept.join('\n'), { mode: 0o600 });
  }
  giveToRun(runHome, uid);
}
