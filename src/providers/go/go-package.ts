import type { RepoView } from '../../repo/repo-view.js';

/** One Go source file of a package directory. */
export interface GoFile {
  /** Path relative to the repository root. */
  rel: string;
  text: string;
}

/** The buildable source files of one directory, and what they declare. */
export interface GoPackage {
  /** Directory relative to the repository root (`.` for the root). */
  dir: string;
  files: GoFile[];
  /** True when a file says `package main` and one declares `func main()`. */
  isMain: boolean;
}

/** `//go:build ignore` or the old `// +build ignore`: files kept out of every build. */
const IGNORED_BUILD = /^\/\/(go:build\s+ignore\b|\s*\+build\s+ignore\b)/m;
const PACKAGE_MAIN = /^package\s+main\b/m;
const FUNC_MAIN = /^func\s+main\s*\(\s*\)/m;

/**
 * Reads the `.go` files of `dir` that `go build` would compile: not `_test.go`, and not
 * excluded with a `//go:build ignore` constraint (common for `gen.go` generators that are
 * `package main` beside a library). Null when the directory has no such file.
 * Source: https://pkg.go.dev/cmd/go#hdr-Build_constraints
 *
 * @example
 * (await readGoPackage(repo, 'cmd/api'))?.isMain; // true
 */
export async function readGoPackage(repo: RepoView, dir: string): Promise<GoPackage | null> {
  const files: GoFile[] = [];
  for (const name of await repo.listDir(dir)) {
    if (!name.endsWith('.go') || name.endsWith('_test.go')) continue;
    const rel = dir === '.' ? name : `${dir}/${name}`;
    const text = await repo.readText(rel);
    if (text === null || IGNORED_BUILD.test(text)) continue;
    files.push({ rel, text });
  }
  if (files.length === 0) return null;
  const isMain =
    files.some((f) => PACKAGE_MAIN.test(f.text)) && files.some((f) => FUNC_MAIN.test(f.text));
  return { dir, files, isMain };
}

/**
 * True when a file of the package imports `importPath`, in a single import or an import
 * block (the quoted path, optionally after an alias).
 *
 * @example
 * importsPackage(pkg, 'net/http');
 */
export function importsPackage(pkg: GoPackage, importPath: string): boolean {
  const quoted = `"${importPath}"`;
  return pkg.files.some((f) =>
    f.text.split(/\r?\n/).some((line) => {
      const spec = line
        .replace(/\/\/.*$/, '')
        .trim()
        .replace(/^import\s+/, '');
      return spec === quoted || (spec.endsWith(` ${quoted}`) && /^[\w.]+\s/.test(spec));
    }),
  );
}
