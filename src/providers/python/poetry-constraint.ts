/**
 * Converts a Poetry version constraint to a PEP 440 specifier pip understands, following
 * Poetry's rules (https://python-poetry.org/docs/dependency-specification/):
 * - `^1.2.3` → `>=1.2.3,<2`, `^0.2.3` → `>=0.2.3,<0.3`, `^0.0.3` → `>=0.0.3,<0.0.4`
 *   (the left-most non-zero component may not change);
 * - `~1.2.3` → `>=1.2.3,<1.3`, `~1` → `>=1,<2`;
 * - `1.2.3` → `==1.2.3`, `=1.2` → `==1.2`, `*` or `""` → `""` (any version);
 * - `>=1.2 <2.0` or `>=1.2,<2.0` → `>=1.2,<2.0`.
 * Returns null when the constraint cannot be expressed (`||` alternatives, unknown syntax):
 * the caller then installs the package without a constraint.
 *
 * @example
 * poetryToPep440('^1.2'); // '>=1.2,<2'
 */
export function poetryToPep440(constraint: string): string | null {
  const trimmed = constraint.trim();
  if (trimmed === '' || trimmed === '*') return '';
  if (trimmed.includes('||') || trimmed.includes('|')) return null;
  const parts: string[] = [];
  const token = /(\^|~=|~|==|!=|>=|<=|>|<|=)?\s*([0-9][0-9A-Za-z.*+!-]*)/y;
  let rest = trimmed.replace(/,/g, ' ').trim();
  while (rest !== '') {
    token.lastIndex = 0;
    const match = token.exec(rest);
    if (!match?.[2]) return null;
    const converted = convertOne(match[1] ?? '', match[2]);
    if (converted === null) return null;
    parts.push(converted);
    rest = rest.slice(match[0].length).trim();
  }
  return parts.join(',');
}

function convertOne(operator: string, version: string): string | null {
  switch (operator) {
    case '^':
      return `>=${version},<${caretUpper(version)}`;
    case '~':
      return `>=${version},<${tildeUpper(version)}`;
    case '':
    case '=':
      return `==${version}`;
    default:
      return `${operator}${version}`;
  }
}

/** Components of a release version (`1.2.3` → [1, 2, 3]); pre-release suffixes dropped. */
function release(version: string): number[] {
  return version
    .split('.')
    .map((part) => Number.parseInt(part, 10))
    .filter((n) => Number.isFinite(n));
}

function caretUpper(version: string): string {
  const parts = release(version);
  const firstNonZero = parts.findIndex((n) => n !== 0);
  const keep = firstNonZero === -1 ? parts.length : firstNonZero + 1;
  return bump(parts.slice(0, Math.max(keep, 1)));
}

function tildeUpper(version: string): string {
  const parts = release(version);
  return bump(parts.slice(0, parts.length >= 2 ? 2 : 1));
}

/** Increments the last component: [0, 2] → `0.3`. */
function bump(parts: number[]): string {
  const last = parts.length - 1;
  return parts.map((n, i) => (i === last ? n + 1 : n)).join('.');
}
