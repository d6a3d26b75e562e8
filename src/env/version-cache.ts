import { readFileSync, statSync } from 'node:fs';
import { writeJsonAtomic } from '../store/state-files.js';

/** Cached versions are trusted this long: 24 h (a shim such as pyenv's can change what it runs). */
export const VERSION_CACHE_TTL_MS = 24 * 60 * 60 * 1000;

interface Entry {
  version: string | null;
  at: number;
}

/**
 * A file-backed cache of `<tool> --version` answers, keyed by the executable's path, size and
 * mtime, so a warm run does not spawn a dozen version probes (about 1.2 s on a 2-core host,
 * mostly java and mvn). Any change to the executable, or the TTL, invalidates an entry.
 */
export class VersionCache {
  private entries: Record<string, Entry>;
  private dirty = false;

  constructor(private readonly file: string) {
    try {
      this.entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Entry>;
    } catch {
      this.entries = {};
    }
  }

  private static key(executable: string): string | null {
    try {
      const st = statSync(executable);
      return `${executable}|${st.size}|${st.mtimeMs}`;
    } catch {
      return null;
    }
  }

  /** The cached version (which may be null), or undefined when there is no fresh entry. */
  get(executable: string, now = Date.now()): string | null | undefined {
    const key = VersionCache.key(executable);
    const entry = key === null ? undefined : this.entries[key];
    if (!entry || now - entry.at > VERSION_CACHE_TTL_MS) return undefined;
    return entry.version;
  }

  set(executable: string, version: string | null, now = Date.now()): void {
    const key = VersionCache.key(executable);
    if (key === null) return;
    this.entries[key] = { version, at: now };
    this.dirty = true;
  }

  /** Writes the cache back (atomically) when anything changed. Errors are ignored: it is a cache. */
  save(): void {
    if (!this.dirty) return;
    try {
      writeJsonAtomic(this.file, this.entries);
      this.dirty = false;
    } catch {
      /* a read-only home only costs speed */
    }
  }
}
