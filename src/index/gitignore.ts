import ignore, { type Ignore } from 'ignore';

/**
 * Git's ignore rules for one folder of a walk: `.git/info/exclude`, then every `.gitignore`
 * from the root down to that folder, in one matcher. Later rules win, so a deeper
 * `.gitignore` overrides a shallower one (git's precedence) and its `!negation` can
 * re-include what a shallower file excluded. Patterns of a nested `.gitignore` are rebased
 * onto the root (a `*.log` line in `a/.gitignore` becomes a pattern for `a/` at any depth), which lets one matcher judge a path
 * with every level's rules at once: testing each level's file separately would keep a
 * folder that an outer file excludes and an inner file re-includes wrongly excluded, as the
 * `ignore` package checks a path's parent folders against each file alone.
 *
 * Case-sensitive, as git is on Linux (`core.ignorecase` false). Not read: the user's global
 * excludes file (not the repository's), and a worktree's `.git` file (its excludes live in
 * the main repository).
 */
export class GitIgnoreRules {
  private constructor(private readonly matcher: Ignore | null) {}

  /** No rules: nothing is ignored. */
  static empty(): GitIgnoreRules {
    return new GitIgnoreRules(null);
  }

  /**
   * These rules plus the lines of a `.gitignore` (or exclude file) found in `dir`.
   *
   * @param dir the folder holding the file, relative to the root, posix, `''` for the root.
   * @param text the file's text; comments, blank lines and `\r` line ends are allowed.
   */
  with(dir: string, text: string): GitIgnoreRules {
    const patterns = text
      .split('\n')
      .map((line) => rebase(dir, line.endsWith('\r') ? line.slice(0, -1) : line))
      .filter((line): line is string => line !== null);
    if (patterns.length === 0) return this;
    const matcher = ignore({ ignorecase: false });
    if (this.matcher) matcher.add(this.matcher);
    return new GitIgnoreRules(matcher.add(patterns));
  }

  /**
   * True when the rules exclude `rel` (posix, relative to the root). Folders are tested with
   * a trailing `/`, so `build/` patterns match them and not a file named `build`.
   */
  ignores(rel: string, isDir: boolean): boolean {
    return this.matcher !== null && this.matcher.ignores(isDir ? `${rel}/` : rel);
  }
}

/**
 * One `.gitignore` line of folder `dir`, rewritten relative to the root; null for a blank
 * line or a comment. A pattern with a slash before its end is anchored to `dir`; one
 * without matches at any depth below `dir` (gitignore(5) "PATTERN FORMAT").
 */
export function rebase(dir: string, line: string): string | null {
  if (line.trim() === '' || line.startsWith('#')) return null;
  if (dir === '') return line;
  const negated = line.startsWith('!');
  const body = negated ? line.slice(1) : line;
  if (body.trim() === '') return null;
  const core = body.trimEnd().replace(/\/$/, '');
  const prefix = escapeGlob(dir);
  const rebased = body.startsWith('/')
    ? `${prefix}${body}`
    : core.includes('/')
      ? `${prefix}/${body}`
      : `${prefix}/**/${body}`;
  return negated ? `!${rebased}` : rebased;
}

/** A folder path as a literal glob: wildcard characters escaped, and a leading `!` or `#`. */
function escapeGlob(dir: string): string {
  return dir.replace(/[\\*?[\]]/g, '\\$&').replace(/^[!#]/, '\\$&');
}
