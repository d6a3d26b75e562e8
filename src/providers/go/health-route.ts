import { findHealthPath } from '../health-path.js';
import type { GoPackage } from './go-package.js';

/**
 * The health route the main package defines, or null: a `"/health"` or `"/healthz"` route
 * string in any of its files, `/health` first (see {@link findHealthPath}). Go 1.22 method
 * patterns (`mux.HandleFunc("GET /healthz", …)`) count too: the method is dropped before
 * matching. Source: https://pkg.go.dev/net/http#hdr-Patterns-ServeMux
 *
 * @example
 * goHealthPath(pkg); // '/healthz'
 */
export function goHealthPath(pkg: GoPackage): string | null {
  const text = pkg.files.map((f) => f.text).join('\n');
  return findHealthPath(text.replace(/(["`])(?:GET|HEAD)\s+\//g, '$1/'));
}
