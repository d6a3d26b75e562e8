import { kindOfUrl, type NeedSignal } from './need-rules.js';

/** Example env files apps ship (`.env` itself is the user's and may hold secrets: not read). */
const ENV_FILE =
  /^(\.env\.(example|sample|template|dist|defaults|development|dev|local\.example|test)|\.?(example|sample|template)\.env|env\.(example|sample|template))$/i;

/** True for `.env.example`-style file names. */
export function isEnvExampleFile(name: string): boolean {
  return ENV_FILE.test(name);
}

/** A URL-ish variable name: `DATABASE_URL`, `DB_URI`, `PG_DSN`, `REDIS_URL`. */
const URL_NAME = /(^|_)(URL|URI|DSN)$/;

/**
 * Databases an example env file shows: a value's URL scheme (`postgres://`, `mysql://`,
 * `redis://`) names the kind and the variable for certain; `REDIS_*`, `MYSQL_*` and
 * `POSTGRES_*`/`PG*` names show a kind; an empty or placeholder `DATABASE_URL=`/`DB_URL=`
 * is an SQL URL variable whose kind shows elsewhere. Values are never echoed (they may
 * hold credentials): evidence names the variable and the scheme only.
 *
 * @example
 * envFileSignals('.env.example', 'DB_URL=\nREDIS_URL=redis://localhost:6379\n');
 * // [{ kind: 'sql', envVar: 'DB_URL', … }, { kind: 'redis', envVar: 'REDIS_URL', … }]
 */
export function envFileSignals(rel: string, text: string): NeedSignal[] {
  const out: NeedSignal[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m?.[1]) continue;
    const name = m[1];
    const value = (m[2] ?? '').trim().replace(/^(['"])(.*)\1$/, '$2');
    const byUrl = kindOfUrl(value);
    const isUrlName = URL_NAME.test(name);
    if (byUrl) {
      const scheme = value.slice(0, value.indexOf('://'));
      out.push({ kind: byUrl, evidence: `${rel}: ${name}=${scheme}://…`, envVar: name });
    } else if (/^REDIS(_|$)/.test(name)) {
      out.push({
        kind: 'redis',
        evidence: `${rel}: ${name}`,
        ...(isUrlName ? { envVar: name } : {}),
      });
    } else if (/^(MYSQL|MARIADB)_/.test(name)) {
      out.push({ kind: 'mysql', evidence: `${rel}: ${name}` });
    } else if (/^(POSTGRES_|PG(HOST|PORT|USER|PASSWORD|DATABASE)$)/.test(name)) {
      out.push({ kind: 'postgres', evidence: `${rel}: ${name}` });
    } else if (isUrlName && /(^|_)(DATABASE|DB)(_|$)/.test(name) && !/^sqlite/i.test(value)) {
      out.push({ kind: 'sql', evidence: `${rel}: ${name}`, envVar: name });
    }
  }
  return out;
}
