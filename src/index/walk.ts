import type { Dirent } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { RepoRunnerError } from '../model/errors.js';
import { GitIgnoreRules } from './gitignore.js';
import {
  BINARY_EXTENSIONS,
  extensionOf,
  hasMinifiedName,
  isSecretFile,
  isSkippedFolder,
  LOCK_FILES,
} from './walk-filters.js';
import {
  absolute,
  checkFile,
  entryKind,
  headBuffer,
  isVirtualEnv,
  listFolder,
  procFdDir,
  readText,
} from './walk-io.js';

/** Bounds of one walk. Every limit counts what the walk keeps, except `maxEntries`. */
export interface WalkLimits {
  /**
   * Files listed at most (default 20,000: about twice the source files of a large
   * monorepo such as Django or Kubernetes' staging tree, and what the indexer can chunk and
   * embed in minutes). More: the walk stops adding and reports `maxFiles`.
   */
  maxFiles: number;
  /**
   * Bytes of all listed files together (default 100 MiB: 20,000 files averaging 5 KiB,
   * which source files do; the index database holds this text again). More: the walk stops
   * adding and reports `maxTotalBytes`.
   */
  maxTotalBytes: number;
  /**
   * Bytes of one file (default 1 MiB: hand-written source is rarely over 100 KiB; bigger
   * files are data, fixtures or generated code). Bigger files are skipped (`too-large`).
   */
  maxFileBytes: number;
  /**
   * Folder levels below the root that are entered (default 24: deep Java package paths in
   * multi-module builds reach about 15; a deeper tree is pathological, e.g. a folder copied
   * into itself). Folders deeper are not entered (`too-deep`); 0 lists only the root's files.
   */
  maxDepth: number;
  /**
   * Folder entries examined, files and folders, before the walk stops looking (default
   * 200,000: ten times `maxFiles`, enough to see all of the Linux kernel's 90,000, while a
   * tree of millions costs about a second). More: the walk stops and reports `maxEntries`.
   */
  maxEntries: number;
}

/** The limits {@link walkRepository} applies where none are given. */
export const DEFAULT_WALK_LIMITS: Readonly<WalkLimits> = Object.freeze({
  maxFiles: 20_000,
  maxTotalBytes: 100 * 1024 * 1024,
  maxFileBytes: 1024 * 1024,
  maxDepth: 24,
  maxEntries: 200_000,
});

/** A file worth indexing. */
export interface WalkedFile {
  /** Relative to the root, `/`-separated, no leading `./`. */
  path: string;
  /** Bytes. */
  size: number;
  /** Last modification, milliseconds since the epoch (what the indexer compares). */
  mtimeMs: number;
}

/**
 * Why an entry was left out. A folder left out counts once, whatever it holds:
 * - `ignored`: matched by `.gitignore` (any level) or `.git/info/exclude`;
 * - `folder`: a dependency, build, cache or tool folder (`SKIPPED_FOLDERS`);
 * - `lockfile`, `secret`: by name (`LOCK_FILES`, `isSecretFile`);
 * - `binary`: by extension (`BINARY_EXTENSIONS`) or a NUL byte in the first 8 KiB;
 * - `minified`: by name (`*.min.js`, `*.map`) or a line over `MAX_LINE_CHARS`;
 * - `generated`: a generator's marker in the first lines (`hasGeneratedMarker`: Go's
 *   `Code generated … DO NOT EDIT.`, `@generated`);
 * - `too-large`: over `maxFileBytes`; `too-deep`: a folder below `maxDepth`; `empty`: 0 bytes;
 * - `symlink`: a link (to a file or a folder, inside the root or not), never followed;
 * - `special`: a FIFO, socket or device; `unreadable`: permission or I/O errors;
 * - `bad-name`: a name that is not valid UTF-8 (it cannot be named in a path string).
 */
export type SkipReason =
  | 'ignored'
  | 'folder'
  | 'lockfile'
  | 'secret'
  | 'binary'
  | 'minified'
  | 'generated'
  | 'too-large'
  | 'too-deep'
  | 'empty'
  | 'symlink'
  | 'special'
  | 'unreadable'
  | 'bad-name';

/** The limit that stopped a walk adding files, and what it left out. */
export interface WalkTruncation {
  /** The first limit hit. */
  limit: 'maxFiles' | 'maxTotalBytes' | 'maxEntries';
  /**
   * Files left out that the walk saw and would otherwise have listed. After the limit no
   * file is opened, so these are judged by name only (a few may be binary or too large).
   */
  omitted: number;
  /** False when `maxEntries` stopped the walk early: files it never saw are not counted. */
  exact: boolean;
}

/** What {@link walkRepository} found. */
export interface WalkResult {
  /** Files worth indexing, sorted by path (code-unit order). */
  files: WalkedFile[];
  /** Entries left out, by reason (every reason present, 0 when none). */
  skipped: Record<SkipReason, number>;
  /** Null when every file worth indexing is listed. */
  truncated: WalkTruncation | null;
}

/** A `.gitignore` longer than this is read up to here (no real one comes near). */
const MAX_IGNORE_BYTES = 1024 * 1024;
/**
 * The walk's synchronous reads (see `walk-io.ts`) hold the event loop this long at most
 * before yielding, so a server walking a repository keeps answering.
 */
const SLICE_MS = 10;

/** Every {@link SkipReason}, so `skipped` always has each key. */
// prettier-ignore
const REASONS: readonly SkipReason[] = [
  'ignored', 'folder', 'lockfile', 'secret', 'binary', 'minified', 'generated', 'too-large',
  'too-deep', 'empty', 'symlink', 'special', 'unreadable', 'bad-name',
];

/** A folder to list: its path, depth and the ignore rules of the folders above it. */
interface Folder {
  rel: string;
  depth: number;
  rules: GitIgnoreRules;
}

/**
 * Lists the files of the repository at `root` worth indexing: text files that are not
 * ignored by git's rules (`.gitignore` at every level, `.git/info/exclude`), not inside a
 * dependency, build or tool folder, not a lock file, secret, binary, minified, generated
 * or over the size limit. Symlinks are never followed and counted as skipped. Folders are
 * taken level by level (breadth first, names sorted), so when a limit is hit the files kept
 * are the shallowest ones, and the same tree always gives the same result. Git-tracked
 * files that match an ignore rule are left out too (the walk does not ask git).
 *
 * @param root the repository folder (symlinks in it are resolved first).
 * @param limits overrides of {@link DEFAULT_WALK_LIMITS}.
 * @param signal stops the walk (checked before it starts and between slices of
 *   {@link SLICE_MS}).
 * @throws RepoRunnerError `BAD_INPUT` when `root` is not a folder, or a limit is not a
 *   non-negative integer; the signal's reason when aborted.
 * @example
 * const { files, skipped, truncated } = await walkRepository('/srv/repo', { maxFiles: 5000 });
 */
export async function walkRepository(
  root: string,
  limits: Partial<WalkLimits> = {},
  signal?: AbortSignal,
): Promise<WalkResult> {
  const max = checkedLimits(limits);
  // Without this a small tree is walked whole: the signal is otherwise checked per slice.
  signal?.throwIfAborted();
  const top = await realpath(root).catch(() => null);
  if (top === null || !(await stat(top)).isDirectory()) {
    throw new RepoRunnerError('BAD_INPUT', `${root} is not a folder`, 'give a repository folder');
  }
  const procFd = procFdDir();
  const head = headBuffer();
  const skipped = Object.fromEntries(REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
  const files: WalkedFile[] = [];
  let truncated: WalkTruncation | null = null;
  let totalBytes = 0;
  let entries = 0;
  let sliceStart = performance.now();

  const exclude = readText(absolute(top, '.git/info/exclude'), MAX_IGNORE_BYTES);
  // Breadth first: a FIFO queue of folders, each listed in name order.
  const queue: Folder[] = [{ rel: '', depth: 0, rules: GitIgnoreRules.empty().with('', exclude) }];
  for (let next = 0; next < queue.length; next++) {
    if (performance.now() - sliceStart > SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
    const folder = queue[next]!;
    const listing = listFolder(absolute(top, folder.rel), procFd, MAX_IGNORE_BYTES);
    if (!listing.ok) {
      skipped[listing.reason] += 1;
      continue;
    }
    if (entries + listing.entries.length > max.maxEntries) {
      // The folders not yet listed are never seen: what they hold is not counted.
      truncated ??= { limit: 'maxEntries', omitted: 0, exact: false };
      truncated.exact = false;
      break;
    }
    entries += listing.entries.length;
    const rules =
      listing.gitignore === null ? folder.rules : folder.rules.with(folder.rel, listing.gitignore);
    for (const entry of listing.entries) {
      const rel = folder.rel === '' ? entry.name : `${folder.rel}/${entry.name}`;
      const kind = kindOf(entry, () => entryKind(absolute(top, rel)));
      const isVenv = () => isVirtualEnv(absolute(top, rel));
      const verdict = classify(entry.name, rel, kind, rules, folder.depth >= max.maxDepth, isVenv);
      if (verdict === 'dir') {
        queue.push({ rel, depth: folder.depth + 1, rules });
      } else if (verdict !== 'file') {
        skipped[verdict] += 1;
      } else if (truncated !== null) {
        // After a limit, files are counted by name only: none is opened.
        truncated.omitted += 1;
      } else {
        const file = checkFile(absolute(top, rel), procFd, max.maxFileBytes, head);
        if (!file.ok) {
          skipped[file.reason] += 1;
        } else if (files.length >= max.maxFiles) {
          truncated = { limit: 'maxFiles', omitted: 1, exact: true };
        } else if (totalBytes + file.size > max.maxTotalBytes) {
          truncated = { limit: 'maxTotalBytes', omitted: 1, exact: true };
        } else {
          totalBytes += file.size;
          files.push({ path: rel, size: file.size, mtimeMs: file.mtimeMs });
        }
      }
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped, truncated };
}

/** An entry's kind from its directory entry, or from `lstat` when readdir did not say. */
function kindOf(entry: Dirent, fallback: () => Kind): Kind {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isDirectory()) return 'dir';
  if (entry.isFile()) return 'file';
  const special =
    entry.isFIFO() || entry.isSocket() || entry.isBlockDevice() || entry.isCharacterDevice();
  return special ? 'special' : fallback();
}

type Kind = 'file' | 'dir' | 'symlink' | 'special';

/** Where one entry goes, by its name, kind and the ignore rules (no content is read). */
function classify(
  name: string,
  rel: string,
  kind: Kind,
  rules: GitIgnoreRules,
  atMaxDepth: boolean,
  isVirtualEnv: () => boolean,
): SkipReason | 'file' | 'dir' {
  // Node decodes a name that is not UTF-8 with U+FFFD; such a path cannot be opened again.
  if (name.includes('\uFFFD')) return 'bad-name';
  if (kind === 'symlink' || kind === 'special') return kind;
  if (name === '.git') return 'folder';
  if (kind === 'dir') {
    if (isSkippedFolder(name, isVirtualEnv)) return 'folder';
    if (rules.ignores(rel, true)) return 'ignored';
    return atMaxDepth ? 'too-deep' : 'dir';
  }
  if (rules.ignores(rel, false)) return 'ignored';
  if (LOCK_FILES.has(name)) return 'lockfile';
  if (isSecretFile(name)) return 'secret';
  if (BINARY_EXTENSIONS.has(extensionOf(name))) return 'binary';
  if (hasMinifiedName(name)) return 'minified';
  return 'file';
}

/** The defaults with `limits` over them, each checked to be a non-negative integer. */
function checkedLimits(limits: Partial<WalkLimits>): WalkLimits {
  const merged = { ...DEFAULT_WALK_LIMITS, ...limits };
  for (const [name, value] of Object.entries(merged)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RepoRunnerError(
        'BAD_INPUT',
        `walk limit ${name} must be a non-negative integer, not ${String(value)}`,
        `set ${name} to a whole number such as ${DEFAULT_WALK_LIMITS[name as keyof WalkLimits]}`,
      );
    }
  }
  return merged;
}
