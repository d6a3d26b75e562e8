import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';

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
  /** Directory depth below the root to search (0 = root only). Default 3. */
  maxDepth?: number;
  /** Stop after this many matches. Default 200. */
  limit?: number;
}

/**
 * A read-only view of a repository for providers: they detect and plan through it and never
 * run the repo's code. Paths are relative to the root with `/` separators; a path that
 * escapes the root is refused.
 *
 * @example
 * const repo = new RepoView('/src/app');
 * if (await repo.hasFile('requirements.txt')) { ... }
 */
export class RepoView {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Absolute path of a relative one. Throws when `rel` leaves the repository. */
  resolve(rel: string): string {
    const abs = path.resolve(this.root, rel);
    if (abs !== this.root && !abs.startsWith(this.root + path.sep)) {
      throw new Error(`path ${rel} is outside the repository`);
    }
    return abs;
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
    let level: string[] = ['.'];
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
