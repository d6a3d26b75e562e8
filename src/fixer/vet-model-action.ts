import { lstatSync } from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../model/run-context.js';
import type { FixAction } from '../model/fix-action.js';
import { realPathOf, staysInside } from '../repo/resolve-inside.js';

/**
 * Programs a model (or a custom agent's spec) may name as a command's first word: the toolchains and servers a repo's
 * own commands use. Anything else (a shell, rm, curl, sudo…) is refused; a path inside the
 * repository (`.venv/bin/flask`, `./manage.py`) is allowed.
 */
export const ALLOWED_PROGRAMS: ReadonlySet<string> = new Set([
  'python',
  'python3',
  'pip',
  'pip3',
  'npm',
  'npx',
  'node',
  'yarn',
  'pnpm',
  'flask',
  'gunicorn',
  'uvicorn',
  'hypercorn',
  'django-admin',
  'alembic',
  'go',
  'cargo',
  'mvn',
  'java',
  'php',
  'composer',
  'bundle',
  'rails',
  'rake',
]);

/** `p` (from `cwd`) really inside the repository, symlinks followed (`resolveInside`). */
const insideRepo = (repo: string, cwd: string, p: string): boolean =>
  repo !== '' && staysInside(repo, path.resolve(cwd, p));

/**
 * The one deliberate exception to {@link insideRepo}: a program that is itself a symlink
 * sitting in the repository (a venv's `bin/python` → `/usr/bin/python3.11`) may lead out
 * of it when it lands on a toolchain program. The folder holding the link must be inside,
 * so a linked folder (`tools` → `/usr/bin`) is not a way around the rule.
 */
function linkedToolchain(repo: string, cwd: string, program: string): boolean {
  const abs = path.resolve(cwd, program);
  if (!insideRepo(repo, cwd, path.dirname(abs))) return false;
  if (!lstatSync(abs, { throwIfNoEntry: false })?.isSymbolicLink()) return false;
  return ALLOWED_PROGRAMS.has(path.basename(realPathOf(abs)).replace(/[\d.]+$/, ''));
}

/**
 * Checks a model's (already schema-valid) action against what the run allows. Returns the
 * reason it is refused, or null when it may be applied: the service must exist, commands
 * must start with a known toolchain program or a file inside the repository, no argument
 * may be an absolute path outside it, and system packages need `--allow-system-packages`.
 */
export function vetModelAction(ctx: RunContext, action: FixAction): string | null {
  const repo = ctx.state.workspace?.repoPath ?? '';
  const services = ctx.state.plan?.services ?? [];
  if ('service' in action && !services.some((s) => s.name === action.service))
    return `there is no service named ${action.service}`;
  if (action.kind === 'apt-install' && !ctx.options.allowSystemPackages)
    return 'system packages are not allowed (run with --allow-system-packages)';
  if ('argv' in action) {
    const svc = services.find((s) => s.name === action.service);
    return vetArgv(repo, path.resolve(repo, svc?.root ?? '.'), action.argv);
  }
  return null;
}

/**
 * What an argument may name as a path: itself, the value after `=` (`--target=/x`) and
 * after a one-letter flag (`-r/x`), so those are checked too.
 */
export function pathValues(arg: string): string[] {
  return [arg, arg.split('=').slice(1).join('='), /^-\w(.+)$/.exec(arg)?.[1] ?? ''];
}

/**
 * Checks a command's argv (run from `cwd`, inside the repository at `repo`) against what a
 * run allows: the first word a known toolchain program or a file inside the repository
 * (symlinks followed), no argument an absolute path outside it or a `..` leading out of it.
 * Returns the reason it is refused, or null. Used for model fix actions and custom agents.
 */
export function vetArgv(repo: string, cwd: string, argv: readonly string[]): string | null {
  const [program = '', ...args] = argv;
  const known = !program.includes('/') && ALLOWED_PROGRAMS.has(program);
  if (!known && !program.includes('/'))
    return `${program} is not a toolchain program or a file inside the repository`;
  if (!known && !insideRepo(repo, cwd, program) && !linkedToolchain(repo, cwd, program))
    return insideRepo(repo, cwd, path.dirname(path.resolve(cwd, program)))
      ? `${program} links to a program outside the repository that is not a toolchain`
      : `${program} is not a toolchain program or a file inside the repository`;
  const values = args.flatMap(pathValues);
  const outside = values.find((a) => path.isAbsolute(a) && !insideRepo(repo, cwd, a));
  if (outside) return `${outside} is outside the repository`;
  if (args.some((a) => a.split(/[\\/]/).includes('..') && !insideRepo(repo, cwd, a)))
    return 'an argument leaves the repository with ..';
  return null;
}
