import type { Rule } from './types.js';

/** Each installer's "lockfile does not match the manifest" message and the installer. */
const MESSAGES: ReadonlyArray<readonly [RegExp, string]> = [
  // npm ci: "`npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync."
  [/package\.json and package-lock\.json (?:or npm-shrinkwrap\.json )?are in sync/, 'npm'],
  [/`npm ci` can only install packages when/, 'npm'],
  [/The `npm ci` command can only install with an existing package-lock\.json/, 'npm'],
  [/npm (?:ERR!|error) Missing: \S+ from lock file/, 'npm'],
  // yarn 1: "error Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`."
  [/Your lockfile needs to be updated/, 'yarn'],
  // yarn berry: "YN0028: │ The lockfile would have been modified by this install, which is explicitly forbidden."
  [/The lockfile would have been modified by this install/, 'yarn'],
  // pnpm: 'ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile" because pnpm-lock.yaml is not up to date with package.json'
  [/ERR_PNPM_OUTDATED_LOCKFILE|pnpm-lock\.yaml is not up to date/, 'pnpm'],
  // poetry: "poetry.lock is not consistent with pyproject.toml" / "pyproject.toml changed significantly since poetry.lock was last generated"
  [
    /poetry\.lock is not consistent with pyproject\.toml|since poetry\.lock was last generated/,
    'poetry',
  ],
  // pipenv: "Your Pipfile.lock (abc123) is out of date. Expected: (def456)."
  [/Your Pipfile\.lock \(\w+\) is out of date/, 'pipenv'],
  // uv: "The lockfile at `uv.lock` needs to be updated, but `--locked` was provided."
  [/`uv\.lock` needs to be updated/, 'uv'],
  // bun: "error: lockfile had changes, but lockfile is frozen"
  [/lockfile had changes, but lockfile is frozen/, 'bun'],
  // cargo: "the lock file /app/Cargo.lock needs to be updated but --locked was passed"
  [/Cargo\.lock needs to be updated but --locked was passed/, 'cargo'],
];

/** A frozen/locked install refused because the lockfile is stale. */
export const lockfileOutOfSync: Rule = {
  id: 'install/lockfile-out-of-sync',
  class: 'lockfile-out-of-sync',
  stage: 'line',
  test: ({ line }) => {
    const hit = MESSAGES.find(([re]) => re.test(line));
    return hit ? { manager: hit[1] } : null;
  },
};
