import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { PathEscapeError, resolveInside } from './resolve-inside.js';

/** Directories never searched: installs, caches and VCS metadata. */
const SKIPPED_DIRS = new Set([
  '.git',
  'node_modules',
  '.venv',
  'venv',
  '__pycache__',
  '.next',
  'dist',
  'build',
  'target',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
]);

/** Options of {@link RepoView.findFiles}. */
export interface FindOptions {
  /**
   * The folder to search (relative to the root; default `.`): only files under it are
   * found, `maxDepth` counts from it, and paths stay relative to the root.
   */
  under?: string;
  /** Directory depth below `under` to search (0 = that folder only). Default 3. */
  maxDepth?: number;
  /** Stop after this many matches. Default 200. */
  limit?: number;
}

/** Options of a {@link RepoView}. */
export interface RepoViewOptions {
  /**
   * The folder no symlink may lead out of (default: `root`). A view of a subfolder keeps the
   * repository's root here, so links between a monorepo's packages keep working.
   */
  boundary?: string;
  /** Where refused paths are collected; a subfolder's view shares its parent's list. */
  escapes?: PathEscapeError[];
}

/**
 * A read-only view of a repository for providers: they detect and plan through it and never
 * run the repo's code. Paths are relative to the root with `/` separators; a path that
 * leaves the root (`..`), or whose symlinks lead out of the repository, is refused, and a
 * refusal through a symlink is also kept in {@link RepoView.escapes} for the plan's warnings.
 *
 * @example
 * const repo = new RepoView('/src/app');
 * if (await repo.hasFile('requirements.txt')) { ... }
 */
export class RepoView {
  readonly root: string;
  /** The repository root symlinks must stay inside. */
  readonly boundary: string;
  /** Every path refused because it pointed outside the repository, in order. */
  readonly escapes: PathEscapeError[];

  constructor(root: string, options: RepoViewOptions = {}) {
    this.root = path.resolve(root);
    this.boundary = path.resolve(options.boundary ?? root);
    this.escapes = options.escapes ?? [];
  }

  /**
   * Absolute path of a relative one (lexically under the root, as given; symlinks are
   * checked, not substituted, so callers see the paths they asked for).
   *
   * @throws Error when `rel` leaves the root lexically; PathEscapeError (also recorded in
   *   {@link RepoView.escapes}) when a symlink on the way leads out of the repository.
   */
  resolve(rel: string): string {
    const abs = path.resolve(this.root, rel);
    if (abs !== this.root && !abs.startsWith(this.root + path.sep)) {
      throw new Error(`path ${rel} is outside the repository`);
    }
    try {
      resolveInside(this.boundary, abs);
    } catch (err) {
      if (!(err instanceof PathEscapeError)) throw err;
      const shown = path.relative(this.boundary, abs) || '.';
      const refusal = new PathEscapeError(shown, err.target, err.root);
      if (!this.escapes.some((e) => e.path === shown)) this.escapes.push(refusal);
      throw refusal;
    }
    return abs;
  }

  /** A view of folder `rel` as if it were the root, sharing this view's boundary and escapes. */
  sub(rel: string): RepoView {
    return new RepoView(this.resolve(rel), { boundary: this.boundary, escapes: this.escapes });
  }

  /** True when `rel` exists and is a file. */
  async hasFile(rel: string): Promise<boolean> {
    try {
      return (await stat(this.resolve(rel))).isFile();
    } catch {
      return false;
    }
  }

  /** True when `rel` exists and is a directory. */
  async hasDir(rel: string): Promise<boolean> {
    try {
      return (await stat(this.resolve(rel))).isDirectory();
    } catch {
      return false;
    }
  }

  /** The file's text, or null when it does not exist or cannot be read. */
  async readText(rel: string): Promise<string | null> {
    try {
      return await readFile(this.resolve(rel), 'utf8');
    } catch {
      return null;
    }
  }

  /** The file parsed as JSON; null when missing; throws a clear error when malformed. */
  async readJson<T = unknown>(rel: string): Promise<T | null> {
    const text = await this.readText(rel);
    if (text === null) return null;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new Error(`${rel} is not valid JSON: ${(err as Error).message}`);
    }
  }

  /** The file parsed as TOML; null when missing; throws a clear error when malformed. */
  async readToml<T = Record<string, unknown>>(rel: string): Promise<T | null> {
    const text = await this.readText(rel);
    if (text === null) return null;
    try {
      return parseToml(text) as T;
    } catch (err) {
      throw new Error(`${rel} is not valid TOML: ${(err as Error).message}`);
    }
  }

  /** Names in a directory (files and folders), sorted; empty when it does not exist. */
  async listDir(rel = '.'): Promise<string[]> {
    try {
      return (await readdir(this.resolve(rel))).sort();
    } catch {
      return [];
    }
  }

  /**
   * Relative paths of files whose name passes `match`, breadth-first and sorted, skipping
   * install and cache directories ({@link SKIPPED_DIRS}).
   */
  async findFiles(
    match: (name: string, rel: string) => boolean,
    options: FindOptions = {},
  ): Promise<string[]> {
    const maxDepth = options.maxDepth ?? 3;
    const limit = options.limit ?? 200;
    const found: string[] = [];
    let level: string[] = [options.under ?? '.'];
    for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
      const next: string[] = [];
      for (const dir of level) {
        let entries;
        try {
          entries = await readdir(this.resolve(dir), { withFileTypes: true });
        } catch {
          continue;
        }
        entries.sort((a, b) => a.name.localeCompare(b.name));
        for (const entry of entries) {
          const rel = dir === '.' ? entry.name : `${dir}/${entry.name}`;
          if (entry.isDirectory()) {
            if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) next.push(rel);
          } else if (entry.isFile() && match(entry.name, rel)) {
            found.push(rel);
            if (found.length >= limit) return found;
          }
        }
      }
      level = next;
    }
    return found;
  }
}
