/**
 * True when `err` is a unique-constraint violation of SQLite (better-sqlite3 codes
 * `SQLITE_CONSTRAINT_UNIQUE` / `_PRIMARYKEY`) or PostgreSQL (SQLSTATE 23505), and, when
 * `which` is given, its text names the constraint: SQLite's message names the columns
 * (`UNIQUE constraint failed: users.tier`), PostgreSQL's the index
 * (`… unique constraint "users_one_admin"`), so `which` should match either.
 *
 * @example
 * isUniqueViolation(err, /users\.tier|users_one_admin/); // the one-admin index
 */
export function isUniqueViolation(err: unknown, which?: RegExp): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
  const unique =
    e.code === '23505' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  if (!unique || !which) return unique;
  const text = `${typeof e.message === 'string' ? e.message : ''} ${typeof e.constraint === 'string' ? e.constraint : ''}`;
  return which.test(text);
}
