import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { RefusalError } from '../model/errors.js';

/** Links followed while resolving one path before giving up, as the kernel's ELOOP does (40). */
const MAX_LINKS = 40;

/**
 * A path of a run (repository file, `.env`, `.repo-runner/`, a subfolder, a served file)
 * that really lies outside the folder it must stay in, usually through a symbolic link.
 * A refusal (`BAD_INPUT`, HTTP 400): the repository is the bad input, not Repo Runner.
 */
export class PathEscapeError extends RefusalError {
  /** The path as it was asked for (relative to `root`, or absolute). */
  readonly path: string;
  /** Where it really points, symlinks followed. */
  readonly target: string;
  /** The real path of the folder it had to stay in. */
  readonly root: string;

  constructor(asked: string, target: string, root: string) {
    super(
      'BAD_INPUT',
      `${asked} points to ${target}, outside ${root}: refused`,
      'remove the link, or make it point at a file inside the repository',
      { details: { path: asked, target, root } },
    );
    this.name = 'PathEscapeError';
    this.path = asked;
    this.target = target;
    this.root = root;
  }
}

/**
 * Where `abs` really is, symlinks followed, even when it does not exist yet: the realpath
 * of its deepest existing ancestor plus the rest, and a dangling link followed to where it
 * points (so a file written through it would land there). Absolute `abs` only.
 *
 * @throws Error ELOOP after {@link MAX_LINKS} links.
 */
export function realPathOf(abs: string, links = 0): string {
  if (links > MAX_LINKS) throw new Error(`too many levels of symbolic links resolving ${abs}`);
  if (existsSync(abs)) return realpathSync(abs);
  const parent = path.dirname(abs);
  if (parent === abs) return abs;
  const realParent = realPathOf(parent, links);
  // existsSync is false for a dangling link, but lstat still sees the link itself.
  return isLink(abs)
    ? realPathOf(path.resolve(realParent, readlinkSync(abs)), links + 1)
    : path.join(realParent, path.basename(abs));
}

/** True when `abs` is a symlink; false when it is anything else or nothing (ENOENT, ENOTDIR). */
function isLink(abs: string): boolean {
  try {
    return lstatSync(abs).isSymbolicLink();
  } catch {
    return false;
  }
}

/** True when real path `real` is `realRoot` or below it. */
export const isWithin = (real: string, realRoot: string): boolean =>
  real === realRoot ||
  real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);

/**
 * The real path of `rel` (relative to `root`, or absolute), symlinks followed, when it lies
 * inside `root`; paths still to be created are resolved through their deepest existing
 * ancestor. The one check every path a run touches goes through: repository files
 * ({@link RepoView}), subfolders planned as services, `.repo-runner/`, `.env` and its
 * examples, files the static server sends, sources under `--repos-root`, fix actions.
 * Links that stay inside (`node_modules/.bin/*`, workspace packages) resolve normally.
 *
 * @throws PathEscapeError naming `rel` and where it points, when it leaves `root` (a `..`
 *   or a symlink anywhere on the way); Error on a symlink loop.
 *
 * @example
 * resolveInside('/src/app', 'public/logo.png'); // '/src/app/public/logo.png'
 * resolveInside('/src/app', 'passwd');          // PathEscapeError when passwd -> /etc/passwd
 */
export function resolveInside(root: string, rel: string): string {
  const realRoot = realPathOf(path.resolve(root));
  const real = realPathOf(path.resolve(root, rel));
  if (!isWithin(real, realRoot)) throw new PathEscapeError(rel, real, realRoot);
  return real;
}

/**
 * True when {@link resolveInside} takes `rel`: for callers that leave a path out (a PATH
 * entry) rather than fail. Refusals that matter to the user are reported by whoever
 * writes or reads the path.
 */
export function staysInside(root: string, rel: string): boolean {
  try {
    resolveInside(root, rel);
    return true;
  } catch {
    return false;
  }
}
