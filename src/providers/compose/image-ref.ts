/** An image reference split into the parts classification needs. */
export interface ImageRef {
  /** Repository path without registry or Docker Hub's `library/`, e.g. `postgres`, `postgis/postgis`. */
  name: string;
  /** The tag, e.g. `16-alpine`; absent when none (Docker then uses `latest`). */
  tag?: string;
}

/**
 * Splits `[registry[:port]/]path[:tag][@digest]`: the first component is a registry when it
 * has a `.` or `:` or is `localhost` (Docker's rule), and official images' `library/` (and
 * ECR Public's `docker/library/`) is dropped, so `docker.io/library/postgres:16-alpine` is
 * `{ name: 'postgres', tag: '16-alpine' }`.
 * Source: https://github.com/distribution/reference/blob/main/normalize.go
 *
 * @example
 * parseImageRef('ghcr.io/acme/api:1.2'); // { name: 'acme/api', tag: '1.2' }
 */
export function parseImageRef(image: string): ImageRef {
  const ref = image.trim().toLowerCase().split('@')[0] ?? '';
  const parts = ref.split('/');
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    parts.shift();
  }
  const last = parts.pop() ?? '';
  const colon = last.indexOf(':');
  const repo = [...parts, colon < 0 ? last : last.slice(0, colon)].join('/');
  const name = repo.replace(/^(docker\/)?library\//, '');
  return colon < 0 ? { name } : { name, tag: last.slice(colon + 1) };
}

/** The leading version of a tag: `16` of `16-alpine`, `8.0` of `8.0.36-debian`; else undefined. */
export function versionOfTag(tag: string | undefined): string | undefined {
  return tag === undefined ? undefined : /^\d+(?:\.\d+)*/.exec(tag)?.[0];
}
