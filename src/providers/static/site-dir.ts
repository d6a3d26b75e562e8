import type { RepoView } from '../../repo/repo-view.js';

/**
 * Directories looked in for `index.html`, in order: the root, then the usual output folders
 * of static site generators and bundlers (`public/`, `dist/`, `build/`, Jekyll's `_site/`,
 * Next/Hugo-style `out/`).
 */
export const SITE_DIRS = ['.', 'public', 'dist', 'build', '_site', 'out'] as const;

/**
 * Placeholders a bundler fills in when it builds `index.html` from a template: lodash/EJS
 * `<%= BASE_URL %>` (html-webpack-plugin, Vue CLI's `public/index.html`) and Create React
 * App's `%PUBLIC_URL%`. Such a page served as it is shows nothing of the app.
 * Sources: https://cli.vuejs.org/guide/html-and-static-assets.html#the-index-file,
 * https://create-react-app.dev/docs/using-the-public-folder/
 */
const BUNDLER_TEMPLATE = /<%[=-]?|%PUBLIC_URL%/;

/**
 * The first of {@link SITE_DIRS} holding an `index.html` that is a page, not a bundler's
 * template ({@link BUNDLER_TEMPLATE}), or null.
 */
export async function findSiteDir(repo: RepoView): Promise<string | null> {
  for (const dir of SITE_DIRS) {
    const html = await repo.readText(siteFile(dir, 'index.html'));
    if (html !== null && !BUNDLER_TEMPLATE.test(html)) return dir;
  }
  return null;
}

/** `dir/name` relative to the root, without a leading `./`. */
export function siteFile(dir: string, name: string): string {
  return dir === '.' ? name : `${dir}/${name}`;
}

/** A `<script>` tag with a `src` attribute: the page loads JavaScript from a file. */
const SCRIPT_SRC = /<script\b[^>]*\bsrc\s*=/i;

/**
 * Whether to serve `dir` as a single-page app (`--spa`: unknown extension-less paths get
 * `index.html`). The rule, kept deliberately simple: `dir/index.html` loads a script file
 * (`<script src=…>`), and `dir` has no `404.html` and no other `.html` file at its top level.
 * A multi-page site or one with its own 404 page keeps real 404s; a page that is only markup
 * has no client-side routes to fall back for. False when `dir/index.html` is missing.
 *
 * @example
 * // dist/index.html: <div id="app"></div><script type="module" src="/assets/main.js"></script>
 * await isSinglePageApp(repo, 'dist'); // true
 */
export async function isSinglePageApp(repo: RepoView, dir: string): Promise<boolean> {
  const html = await repo.readText(siteFile(dir, 'index.html'));
  if (html === null || !SCRIPT_SRC.test(html)) return false;
  const pages = (await repo.listDir(dir)).filter((name) => /\.html?$/i.test(name));
  return pages.every((name) => name === 'index.html');
}
