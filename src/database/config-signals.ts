import path from 'node:path';
import { kindOfWord, type DatabaseCredentials, type NeedSignal } from './need-rules.js';
import type { DatabaseKind } from './types.js';

/** ORM and query-builder config files: TypeORM, Sequelize, Knex, Drizzle, hand-rolled `db.ts`. */
const ORM_CONFIG =
  /^(ormconfig|data-?source|app-data-source|knexfile|drizzle\.config|database|db|sequelize(rc)?|\.sequelizerc)([.-]?config)?(\.(json|[cm]?[jt]s|ya?ml))?$/i;
const SPRING_CONFIG = /^(application|bootstrap)([-.][\w-]+)?\.(properties|ya?ml)$/;
const DJANGO_SETTINGS = /(^|\/)settings(\.py|\/[^/]+\.py)$/;

/** `${VAR}` or `${VAR:default}` at the start of a Spring value. */
const SPRING_PLACEHOLDER = /(?:=|:)\s*["']?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}/;

function djangoSignals(rel: string, text: string): NeedSignal[] {
  const out: NeedSignal[] = [];
  const engines = /['"]ENGINE['"]\s*:\s*['"]django(?:\.contrib\.gis)?\.db\.backends\.(\w+)['"]/g;
  for (const m of text.matchAll(engines)) {
    const kind = kindOfWord(m[1] ?? '');
    if (kind) out.push({ kind, evidence: `${rel}: ENGINE ${m[1]}` });
  }
  if (/django_redis|django\.core\.cache\.backends\.redis/.test(text)) {
    out.push({ kind: 'redis', evidence: `${rel}: Redis cache backend` });
  }
  return out;
}

function prismaSignals(rel: string, text: string): NeedSignal[] {
  const out: NeedSignal[] = [];
  for (const block of text.matchAll(/datasource\s+\w+\s*\{([\s\S]*?)\}/g)) {
    const body = block[1] ?? '';
    const provider = /provider\s*=\s*"(\w+)"/.exec(body)?.[1] ?? '';
    const kind = provider === 'postgresql' || provider === 'mysql' ? kindOfWord(provider) : null;
    if (!kind) continue;
    const envVar = /url\s*=\s*env\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)/.exec(body)?.[1];
    out.push({ kind, evidence: `${rel}: provider = "${provider}"`, ...(envVar ? { envVar } : {}) });
  }
  return out;
}

function ormSignals(rel: string, text: string): NeedSignal[] {
  const kinds = new Map<DatabaseKind, string>();
  const patterns = [
    /["']?(type|dialect)["']?\s*:\s*["'](postgres|postgresql|mysql|mariadb)["']/g,
    /["']?(client)["']?\s*:\s*["'](pg|postgres|postgresql|mysql2?)["']/g,
  ];
  for (const pattern of patterns) {
    for (const m of text.matchAll(pattern)) {
      const kind = kindOfWord(m[2] ?? '');
      if (kind && !kinds.has(kind)) kinds.set(kind, `${rel}: ${m[1]}: '${m[2]}'`);
    }
  }
  const envVar = /process\.env(?:\.|\[["'])([A-Z][A-Z0-9_]*(?:URL|URI|DSN))\b/.exec(text)?.[1];
  const credentials = hardCodedCredentials(text);
  const out: NeedSignal[] = [...kinds].map(([kind, evidence]) => ({
    kind,
    evidence,
    ...(credentials ? { credentials } : {}),
  }));
  if (credentials && kinds.size === 0) {
    out.push({ kind: 'sql', evidence: `${rel}: hard-coded database account`, credentials });
  }
  if (envVar) {
    const [only] = kinds.size === 1 ? [...kinds.keys()] : [];
    out.push({ kind: only ?? 'sql', evidence: `${rel}: reads ${envVar}`, envVar });
  }
  return out;
}

/** A literal string value of one of `keys` (`USER: "root"`, `'password': '123'`), or undefined. */
function literal(text: string, keys: string): string | undefined {
  const re = new RegExp(`["']?\\b(?:${keys})["']?\\s*[:=]\\s*["']([^"'\\n]*)["']`, 'i');
  return re.exec(text)?.[1];
}

/**
 * The database account an ORM config hard-codes (`module.exports = { USER: "root",
 * PASSWORD: "123456", DB: "testdb" }`, as tutorials write it): user and database only when
 * they are plain SQL names; values read from `process.env` are not literals and are skipped.
 */
function hardCodedCredentials(text: string): DatabaseCredentials | null {
  const name = (v: string | undefined) =>
    v && /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(v) ? v : undefined;
  const user = name(literal(text, 'user|username|db_user'));
  const password = literal(text, 'password|pass|db_password');
  const database = name(literal(text, 'database|db|dbname|db_name'));
  if (!user && !password && !database) return null;
  return {
    ...(user ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(database ? { database } : {}),
  };
}

function springSignals(rel: string, text: string): NeedSignal[] {
  const out: NeedSignal[] = [];
  for (const line of text.split('\n')) {
    const jdbc = /jdbc:(postgresql|mysql|mariadb):/.exec(line);
    const isUrl = /(datasource\.url|^\s*url)\s*[=:]/.test(line);
    const envVar = isUrl ? SPRING_PLACEHOLDER.exec(line)?.[1] : undefined;
    const kind = jdbc ? kindOfWord(jdbc[1] ?? '') : null;
    if (kind)
      out.push({
        kind,
        evidence: `${rel}: jdbc:${jdbc?.[1]} (JDBC URL)`,
        ...(envVar ? { envVar } : {}),
      });
    else if (envVar)
      out.push({ kind: 'sql', evidence: `${rel}: datasource URL from ${envVar}`, envVar });
    if (/spring\.(data\.)?redis\.|^\s+redis:\s*$/.test(line)) {
      out.push({ kind: 'redis', evidence: `${rel}: spring redis settings` });
    }
  }
  return out;
}

/** Names of the config files {@link configSignals} reads. */
export function isConfigFile(name: string, rel: string): boolean {
  return (
    DJANGO_SETTINGS.test(rel) ||
    name.endsWith('.prisma') ||
    ORM_CONFIG.test(name) ||
    rel.endsWith('config/config.json') ||
    SPRING_CONFIG.test(name)
  );
}

/**
 * Databases named in one app config file: Django `DATABASES` engines and Redis caches,
 * Prisma datasources (with their `env("…")` variable), TypeORM/Sequelize/Knex/Drizzle
 * configs (`type`, `dialect`, `client`, and a `process.env.*_URL` they read), and Spring
 * `application.properties|yml` (`jdbc:` URLs, `${VAR}` placeholders, Redis settings).
 */
export function configSignals(rel: string, text: string): NeedSignal[] {
  const name = path.posix.basename(rel);
  if (DJANGO_SETTINGS.test(rel)) return djangoSignals(rel, text);
  if (name.endsWith('.prisma')) return prismaSignals(rel, text);
  if (SPRING_CONFIG.test(name)) return springSignals(rel, text);
  if (ORM_CONFIG.test(name) || rel.endsWith('config/config.json')) return ormSignals(rel, text);
  return [];
}
