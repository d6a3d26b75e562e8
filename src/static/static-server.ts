import { createReadStream, existsSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import sirv from 'sirv';
import { PathEscapeError, resolveInside } from '../repo/resolve-inside.js';

/** Options of {@link createStaticServer}. */
export interface StaticServerOptions {
  /**
   * Single-page app: a path that matches no file and has no file extension gets
   * `/index.html` (status 200) instead of a 404, so client-side routes load.
   */
  spa?: boolean;
  /**
   * Told of every request refused because the file it names lies outside `dir` through a
   * symlink (answered 403, never sent). Default: one line on stderr, which Repo Runner keeps
   * in the service's log.
   */
  onRefusal?: (refusal: PathEscapeError, urlPath: string) => void;
}

/** Extensions sirv tries after the bare path (its default `extensions`). */
const SIRV_EXTENSIONS = ['', '.html', '.htm'];

const reportToStderr = (refusal: PathEscapeError, urlPath: string) =>
  console.error(`serve-static: refused ${urlPath}: ${refusal.message}`);

/**
 * The refusal for the first file sirv would try for `urlPath` (`x`, `x/index`, `x.html`,
 * `x/index.html`, …: its own order) whose real path leaves `root`, or null. Every candidate
 * is checked, existing or not: a folder linked out of `dir` refuses whatever is asked in it.
 */
export function escapeOf(root: string, urlPath: string): PathEscapeError | null {
  const uri = urlPath.replace(/\/+$/, '');
  for (const ext of SIRV_EXTENSIONS)
    for (const name of uri ? [uri + ext, `${uri}/index${ext}`] : [`/index${ext}`]) {
      try {
        resolveInside(root, `.${name}`);
      } catch (err) {
        if (err instanceof PathEscapeError) return err;
        // A symlink loop: refused too, rather than an exception in the request handler.
        return new PathEscapeError(name, (err as Error).message, root);
      }
    }
  return null;
}

/** Page served with status 404 when the directory has one (GitHub Pages' convention). */
export const NOT_FOUND_PAGE = '404.html';

/**
 * Repo Runner's built-in static file server: an `http.Server` (not yet listening) serving the
 * files under `dir`. File lookup, content types (from the file extension, `text/html;charset=utf-8`
 * for HTML), `index.html` for a directory, ETags and ranges come from
 * [sirv](https://github.com/lukeed/sirv) in its no-cache mode, so files rebuilt while the server
 * runs are served fresh. On top of sirv:
 * - only GET and HEAD (others get 405);
 * - a path with a segment starting with `.` (`..`, `.git`, `.env`; `.well-known` excepted),
 *   also when percent-encoded, gets 404 without touching the disk: nothing outside `dir` and no
 *   dotfile is ever served (sirv itself also refuses paths that resolve outside `dir`);
 * - unknown paths get `404.html` from `dir` when it exists, else an empty 404;
 *   with `spa`, extension-less unknown paths get `/index.html` instead.
 * - a file reached through a symlink that leads out of `dir` (a committed `passwd` →
 *   `/etc/passwd`, an `assets` → `/`) is refused with 403 and reported to `onRefusal`
 *   (`resolveInside`); links that stay inside `dir` are followed.
 *
 * @example
 * const server = createStaticServer('dist', { spa: true });
 * server.listen(8080, '127.0.0.1');
 */
export function createStaticServer(dir: string, options: StaticServerOptions = {}): Server {
  const root = path.resolve(dir);
  const spa = options.spa ?? false;
  const onRefusal = options.onRefusal ?? reportToStderr;
  const serve = sirv(root, { dev: true, etag: true, single: spa });
  const notFound = (res: ServerResponse, head: boolean) => {
    const page = path.join(root, NOT_FOUND_PAGE);
    if (!existsSync(page)) {
      res.writeHead(404, { 'Content-Type': 'text/plain;charset=utf-8' });
      res.end(head ? undefined : 'Not found\n');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/html;charset=utf-8' });
    if (head) res.end();
    else createReadStream(page).pipe(res);
  };
  return createServer((req, res) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    if (isHiddenPath(req.url ?? '/')) {
      notFound(res, head);
      return;
    }
    const urlPath = requestPath(req.url ?? '/');
    const refusal =
      escapeOf(root, urlPath) ??
      (spa ? escapeOf(root, '/') : null) ??
      escapeOf(root, `/${NOT_FOUND_PAGE}`);
    if (refusal) {
      onRefusal(refusal, urlPath);
      res.writeHead(403, { 'Content-Type': 'text/plain;charset=utf-8' });
      res.end(head ? undefined : 'Forbidden\n');
      return;
    }
    serve(req, res, () => notFound(res, head));
  });
}

/**
 * True when the request target's path has a segment starting with `.` other than
 * `.well-known`, or cannot be decoded. Segments are split on `/` and `\` after percent-decoding,
 * so `/%2e%2e/secret` and `/..%2fsecret` count.
 */
export function isHiddenPath(target: string): boolean {
  const rawPath = target.split(/[?#]/, 1)[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return true;
  }
  return decoded
    .split(/[\\/]/)
    .some((segment) => segment.startsWith('.') && segment !== '.well-known');
}

/** The decoded path of a request target, as sirv looks it up (query and fragment dropped). */
function requestPath(target: string): string {
  const raw = target.split(/[?#]/, 1)[0] ?? '/';
  try {
    return decodeURI(raw);
  } catch {
    return raw;
  }
}
