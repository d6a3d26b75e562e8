import path from 'node:path';
import type { RepoView } from '../repo/repo-view.js';

/** `config.ts.example`, `settings.py.sample`, `app.json.dist`: the target is the name before. */
const SUFFIXED = /^(.+\.[A-Za-z0-9]+)\.(example|sample|dist|template|tmpl)$/;

/** `config.example.json`, `database.sample.yml`: the target drops the middle part. */
const INFIXED = /^(.+)\.(example|sample|dist)\.([A-Za-z0-9]+)$/;

/**
 * Targets never made from an example here: env files (the ConfigAgent fills `.env` from its
 * template itself), compose and Docker files (read by the detector, not by the app), and
 * documents.
 */
const NOT_A_CONFIG =
  /^(\.env|env$|docker-compose|compose\.|Dockerfile|README|LICENSE|CHANGELOG)|\.(md|txt|html|rst)$/i;

/** Folders whose files are not the app's own configuration. */
const NOT_THE_APP =
  /(^|\/)(node_modules|vendor|\.venv|venv|tests?|docs?|examples?|fixtures|testdata|dist|build|target)(\/|$)/;

/** One config file to make from the example beside it (repository-relative paths). */
export interface ExampleCopy {
  example: string;
  target: string;
}

/**
 * The app config files a service's folder ships only as an example, for the user to copy
 * before the first run (`cp src/config.ts.example src/config.ts`,
 * `cp ormconfig.json.example ormconfig.json`, as READMEs say): every
 * `<name>.<ext>.example|.sample|.dist|.template` and `<name>.example|.sample|.dist.<ext>` up
 * to three folders below `dir` whose target does not exist, env files, compose and Docker
 * files and documents aside. Without them the build or the app stops at the first import
 * ("Cannot find module '../config'").
 */
export async function exampleConfigCopies(repo: RepoView, dir: string): Promise<ExampleCopy[]> {
  const prefix = dir === '.' ? '' : `${dir}/`;
  const found = await repo.findFiles(
    (name, rel) =>
      !NOT_THE_APP.test(rel.slice(prefix.length)) && (SUFFIXED.test(name) || INFIXED.test(name)),
    { under: dir, maxDepth: 3, limit: 50 },
  );
  const out: ExampleCopy[] = [];
  for (const example of found) {
    const name = path.posix.basename(example);
    const suffixed = SUFFIXED.exec(name);
    const infixed = INFIXED.exec(name);
    const targetName = suffixed ? suffixed[1] : infixed ? `${infixed[1]}.${infixed[3]}` : null;
    if (!targetName || NOT_A_CONFIG.test(targetName)) continue;
    const target = path.posix.join(path.posix.dirname(example), targetName);
    if (out.some((c) => c.target === target)) continue;
    if ((await repo.readText(target)) !== null || (await repo.hasDir(target))) continue;
    out.push({ example, target });
  }
  return out;
}

/** The provisioned SQL database a JSON ORM config is pointed at. */
export interface SqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/**
 * A JSON ORM config (TypeORM `ormconfig.json`, Sequelize `config/config.json`, its
 * environments included) pointed at the run's database: in every object that carries a
 * connection (`host` or `database` beside `username`/`user`/`password`), those keys and
 * `port` get the provisioned server's values; the rest is kept. Null when the text is not
 * JSON or has no such object.
 */
export function pointJsonConfigAt(text: string, db: SqlTarget): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  let changed = false;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const account = 'username' in o || 'user' in o || 'password' in o;
    if (account && ('host' in o || 'database' in o)) {
      changed = true;
      o['host'] = db.host;
      o['port'] = db.port;
      if ('username' in o || !('user' in o)) o['username'] = db.user;
      else o['user'] = db.user;
      o['password'] = db.password;
      o['database'] = db.database;
    }
    for (const v of Object.values(o)) visit(v);
  };
  visit(parsed);
  return changed ? `${JSON.stringify(parsed, null, 2)}\n` : null;
}
