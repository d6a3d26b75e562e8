/**
 * Normalises a Python distribution name as PEP 503 does: runs of `-`, `_` and `.` become
 * one `-`, and the result is lower-cased (`Flask_SQLAlchemy` → `flask-sqlalchemy`).
 * Source: https://peps.python.org/pep-0503/#normalized-names
 */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** A requirement's normalised name and its extras (`uvicorn[standard]` → `['standard']`). */
export interface RequirementName {
  name: string;
  extras: string[];
}

/**
 * The normalised name and extras at the start of a PEP 508 requirement string
 * (`Flask>=2.0`, `uvicorn[standard]==0.30 ; python_version>"3.8"`, `pkg @ https://…`),
 * or null when the string does not start with a valid name.
 * Source: https://peps.python.org/pep-0508/#names
 */
export function parseRequirementName(spec: string): RequirementName | null {
  const match = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?/.exec(spec);
  if (!match?.[1]) return null;
  const extras = (match[2] ?? '')
    .split(',')
    .map((extra) => normalizeName(extra.trim()))
    .filter((extra) => extra !== '');
  return { name: normalizeName(match[1]), extras };
}
