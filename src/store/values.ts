/** Now, as the store writes times: ISO-8601 (UTC). */
export const now = (): string => new Date().toISOString();

/** A JSON column read back (null stays null). */
export const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

/**
 * Free text from outside (log lines, commands) made storable everywhere: PostgreSQL refuses
 * NUL in text and SQLite mangles lone UTF-16 surrogates, so both become U+FFFD on every backend.
 */
export const storable = (text: string): string =>
  text.replace(/\p{Surrogate}/gu, '\uFFFD').replaceAll('\0', '\uFFFD');
