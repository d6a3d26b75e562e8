import { interpolate, type Lookup } from './interpolate.js';

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"' };

/**
 * Parses a Compose `.env` or `env_file` file: `VAR=VAL` lines (an `export ` prefix allowed),
 * blank lines and `#` comments skipped, a line without `=` ignored. Single-quoted values are
 * literal; double-quoted values take `\n`, `\t`, `\"`, `\\` escapes; unquoted and
 * double-quoted values are interpolated ({@link interpolate}) from `lookup`, then from the
 * file's earlier lines; an unquoted value ends at ` #`. Multi-line values are not supported.
 * Source: https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file-syntax
 *
 * @example
 * parseDotenv('PORT=8000\nURL="http://localhost:${PORT}"\n'); // { PORT: '8000', URL: 'http://localhost:8000' }
 */
export function parseDotenv(
  text: string,
  lookup: Lookup = () => undefined,
  onIssue?: (issue: string) => void,
): Record<string, string> {
  const values: Record<string, string> = {};
  const scoped: Lookup = (name) =>
    lookup(name) ?? (Object.hasOwn(values, name) ? values[name] : undefined);
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    if (/^\s*(#|$)/.test(raw)) continue;
    const m = LINE.exec(raw);
    if (!m?.[1]) {
      onIssue?.(`line ${index + 1}: not a VAR=VALUE line, ignored`);
      continue;
    }
    const body = (m[2] ?? '').trim();
    const issue = (msg: string) => onIssue?.(`line ${index + 1}: ${msg}`);
    if (body.startsWith("'")) {
      const end = body.indexOf("'", 1);
      values[m[1]] = end < 0 ? body.slice(1) : body.slice(1, end);
    } else if (body.startsWith('"')) {
      const end = closingQuote(body);
      const inner = (end < 0 ? body.slice(1) : body.slice(1, end)).replace(
        /\\([nrt\\"])/g,
        (_, c: string) => ESCAPES[c] ?? c,
      );
      values[m[1]] = interpolate(inner, scoped, issue);
    } else {
      values[m[1]] = interpolate(body.replace(/\s+#.*$/, ''), scoped, issue);
    }
  }
  return values;
}

/** Index of the first unescaped `"` after the opening one, or -1. */
function closingQuote(body: string): number {
  for (let j = 1; j < body.length; j++) {
    if (body[j] === '\\') j++;
    else if (body[j] === '"') return j;
  }
  return -1;
}
