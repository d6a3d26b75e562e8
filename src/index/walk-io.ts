import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  type Dirent,
} from 'node:fs';
import path from 'node:path';
import {
  classifyHead,
  MINIFIED_SNIFF_BYTES,
  VIRTUAL_ENV_MARKERS,
  type ContentVerdict,
} from './walk-filters.js';

/*
 * File-system reads of the repository walk. They never follow a symlink, even one swapped
 * in after its folder was listed (the repository's own code may run while the index
 * builds): everything is opened with O_NOFOLLOW, and where Linux's /proc is mounted the
 * path the kernel gives the open descriptor must be the path asked for, which catches a
 * folder on the way that became a link. Synchronous on purpose: measured on a 10,000-file
 * tree, open + fstat + readlink + read + close run at ~70,000 files/s this way and ~11,000
 * through fs/promises (each call a round trip to libuv's 4 threads); the walk yields to the
 * event loop between slices of a few milliseconds instead.
 */

const NOFOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Where a descriptor's real path can be read (`/proc/self/fd`), or null without /proc. */
export function procFdDir(): string | null {
  return existsSync('/proc/self/fd') ? '/proc/self/fd' : null;
}

/** True when descriptor `fd` really is `abs` (no link on the way); true without /proc. */
function isAt(fd: number, abs: string, procFd: string | null): boolean {
  if (procFd === null) return true;
  try {
    return readlinkSync(`${procFd}/${fd}`) === abs;
  } catch {
    return false;
  }
}

/** A folder's entries (sorted by name, code-unit order), or why it could not be listed. */
export type Listing =
  | { ok: true; entries: Dirent[]; gitignore: string | null }
  | { ok: false; reason: 'symlink' | 'unreadable' };

/**
 * Lists folder `abs` and reads its `.gitignore` (at most `maxIgnoreBytes`; a longer one is
 * cut there) through one descriptor opened without following links.
 */
export function listFolder(abs: string, procFd: string | null, maxIgnoreBytes: number): Listing {
  let fd: number;
  try {
    fd = openSync(abs, NOFOLLOW | constants.O_DIRECTORY);
  } catch (error) {
    return { ok: false, reason: isLinkError(error) ? 'symlink' : 'unreadable' };
  }
  try {
    if (!isAt(fd, abs, procFd)) return { ok: false, reason: 'symlink' };
    // Through the descriptor: the folder listed is the folder just checked.
    const at = procFd === null ? abs : `${procFd}/${fd}`;
    const entries = readdirSync(at, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const hasIgnore = entries.some((e) => e.name === '.gitignore' && e.isFile());
    const gitignore = hasIgnore ? readText(`${at}/.gitignore`, maxIgnoreBytes) : null;
    return { ok: true, entries, gitignore };
  } catch {
    return { ok: false, reason: 'unreadable' };
  } finally {
    closeSync(fd);
  }
}

/** The kind of an entry whose type `readdir` did not report (some file systems): from lstat. */
export function entryKind(abs: string): 'file' | 'dir' | 'symlink' | 'special' {
  try {
    const stat = lstatSync(abs);
    if (stat.isSymbolicLink()) return 'symlink';
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'dir' : 'special';
  } catch {
    return 'special';
  }
}

/** True when folder `abs` holds one of {@link VIRTUAL_ENV_MARKERS} (links not followed). */
export function isVirtualEnv(abs: string): boolean {
  return VIRTUAL_ENV_MARKERS.some((marker) => {
    try {
      return lstatSync(path.join(abs, marker)).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * The text of a regular file (at most `maxBytes` of it, decoded as UTF-8 with replacement
 * characters), or `''` when it is missing, a link or not a regular file.
 */
export function readText(abs: string, maxBytes: number): string {
  let fd: number;
  try {
    fd = openSync(abs, NOFOLLOW);
  } catch {
    return '';
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return '';
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes));
    const bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch {
    return '';
  } finally {
    closeSync(fd);
  }
}

/** Why a file's content keeps it out (`binary`, `minified`, `generated`). */
type HeadVerdict = Exclude<ContentVerdict, 'text'>;

/** A file the walk keeps, or why it does not. */
export type FileVerdict =
  | { ok: true; size: number; mtimeMs: number }
  | {
      ok: false;
      reason: 'symlink' | 'unreadable' | 'special' | 'too-large' | 'empty' | HeadVerdict;
    };

/** A buffer for {@link checkFile} to read heads into (one per walk: files are read in turn). */
export function headBuffer(): Buffer {
  return Buffer.allocUnsafe(MINIFIED_SNIFF_BYTES);
}

/**
 * Opens `abs` without following links and judges it: a regular file at that very path, of
 * 1 to `maxBytes` bytes, whose head is text ({@link classifyHead}). Never throws.
 *
 * @param head scratch space from {@link headBuffer}.
 */
export function checkFile(
  abs: string,
  procFd: string | null,
  maxBytes: number,
  head: Buffer,
): FileVerdict {
  let fd: number;
  try {
    fd = openSync(abs, NOFOLLOW);
  } catch (error) {
    return { ok: false, reason: isLinkError(error) ? 'symlink' : 'unreadable' };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, reason: 'special' };
    if (!isAt(fd, abs, procFd)) return { ok: false, reason: 'symlink' };
    if (stat.size > maxBytes) return { ok: false, reason: 'too-large' };
    if (stat.size === 0) return { ok: false, reason: 'empty' };
    const bytesRead = readSync(fd, head, 0, Math.min(stat.size, head.length), 0);
    const verdict = classifyHead(head.subarray(0, bytesRead));
    if (verdict !== 'text') return { ok: false, reason: verdict };
    return { ok: true, size: stat.size, mtimeMs: stat.mtimeMs };
  } catch {
    return { ok: false, reason: 'unreadable' };
  } finally {
    closeSync(fd);
  }
}

/** ELOOP: the last component is a link (opened with O_NOFOLLOW). */
function isLinkError(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ELOOP';
}

/** `rel` (posix, relative) joined to the absolute `root`. */
export function absolute(root: string, rel: string): string {
  return rel === '' ? root : path.join(root, rel);
}
