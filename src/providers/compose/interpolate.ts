/** Looks a variable up; undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const BRACED = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * Substitutes variables in one string the way Compose does, limited to `${VAR}`,
 * `${VAR:-default}` (the default, itself interpolated, when VAR is unset or empty) and `$VAR`;
 * `$$` is a literal `$`. An unset variable becomes an empty string. Other forms (`${VAR-x}`,
 * `${VAR:?err}`, `${VAR:+x}`) are left as written. Each unset or unsupported reference is
 * reported through `onIssue`.
 * Source: https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/
 *
 * @example
 * interpolate('${PORT:-8000}', () => undefined); // '8000'
 */
export function interpolate(
  text: string,
  lookup: Lookup,
  onIssue?: (issue: string) => void,
): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) return out + text.slice(i);
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const end = closingBrace(text, dollar + 2);
      if (end < 0) {
        onIssue?.(`unterminated "\${" in "${text}"`);
        return out + text.slice(dollar);
      }
      const ref = BRACED.exec(text.slice(dollar + 2, end));
      if (!ref?.[1]) {
        onIssue?.(`unsupported interpolation "${text.slice(dollar, end + 1)}" left as written`);
        out += text.slice(dollar, end + 1);
      } else {
        const value = lookup(ref[1]);
        if (ref[2] !== undefined) out += value ? value : interpolate(ref[2], lookup, onIssue);
        else out += resolve(ref[1], value, onIssue);
      }
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(dollar + 1))?.[0];
      if (name === undefined) out += '$';
      else out += resolve(name, lookup(name), onIssue);
      i = dollar + 1 + (name?.length ?? 0);
    }
  }
  return out;
}

function resolve(name: string, value: string | undefined, onIssue?: (issue: string) => void) {
  if (value === undefined) onIssue?.(`variable ${name} is not set; using an empty string`);
  return value ?? '';
}

/** Index of the `}` closing a `${` whose body starts at `from` (nesting allowed), or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '{') depth++;
    else if (text[j] === '}' && --depth === 0) return j;
  }
  return -1;
}

/**
 * {@link interpolate} over every string value of parsed YAML (map keys are left alone, as
 * in Compose).
 */
export function interpolateTree(
  value: unknown,
  lookup: Lookup,
  onIssue?: (issue: string) => void,
): unknown {
  if (typeof value === 'string') return interpolate(value, lookup, onIssue);
  if (Array.isArray(value)) return value.map((v) => interpolateTree(v, lookup, onIssue));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolateTree(v, lookup, onIssue)]),
    );
  }
  return value;
}
