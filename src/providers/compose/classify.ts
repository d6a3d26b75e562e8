import path from 'node:path';
import type { ComposeBuildService, ComposeDatabase, ComposeUnknown } from './compose-plan.js';
import type { ComposeService } from './compose-schema.js';
import { credentialsOf, databaseKindOf } from './database-images.js';
import { parseImageRef, versionOfTag } from './image-ref.js';
import type { Lookup } from './interpolate.js';
import { parsePort, type PortMapping } from './ports.js';
import { dependenciesOf } from './start-order.js';
import { unknownImageReason } from './unknown-images.js';

/** A Compose service sorted into what Repo Runner does with it (waits are set later). */
export type Classified =
  | { category: 'build'; service: Omit<ComposeBuildService, 'waitHealthy' | 'runsToCompletion'> }
  | { category: 'database'; service: Omit<ComposeDatabase, 'waitHealthy'> }
  | { category: 'unknown'; service: ComposeUnknown };

/** What {@link classifyService} reads besides the service. */
export interface ClassifyInput {
  /** The interpolation environment: fills `environment` entries given without a value. */
  lookup: Lookup;
  /** Values of the service's `env_file`s, merged in order (for database credentials). */
  fileEnv: Record<string, string>;
  /** Where messages for the user go, already prefixed with the service name. */
  warn: (message: string) => void;
  /** The service's compose secrets (see {@link secretsOf}); absent: none. */
  secrets?: { source: string; target: string }[];
  /**
   * Their contents by path inside the container (`/run/secrets/db-password`), trailing
   * newlines removed as the images' `*_FILE` handling does: fills `POSTGRES_PASSWORD_FILE`,
   * `MYSQL_ROOT_PASSWORD_FILE` and the like for a database's credentials.
   */
  secretText?: Record<string, string>;
}

/**
 * Sorts one Compose service: `build` (its context folder is planned by Repo Runner's
 * providers; a context outside the repository is `unknown`), `database` (a Postgres, MySQL,
 * MariaDB, Redis or Valkey image) or `unknown` (any other image). Null, with a warning, when
 * the service has neither `build` nor `image`.
 * Source: https://docs.docker.com/reference/compose-file/services/
 *
 * @example
 * classifyService('db', { image: 'postgres:16' }, input).category; // 'database'
 */
export function classifyService(
  name: string,
  service: ComposeService,
  input: ClassifyInput,
): Classified | null {
  const environment = environmentOf(service, input.lookup);
  const ports = portsOf(service, input.warn);
  const published = ports[0]?.published;
  if (service.build !== undefined) {
    const raw = typeof service.build === 'string' ? service.build : (service.build.context ?? '.');
    const context = contextOf(raw);
    if (context.problem !== undefined) {
      return {
        category: 'unknown',
        service: {
          name,
          ...optional('image', service.image),
          reason: `build context ${raw} ${context.problem}`,
        },
      };
    }
    const dockerfile = typeof service.build === 'string' ? undefined : service.build.dockerfile;
    const containerPort = ports[0]?.target ?? parsePort(service.expose?.[0] ?? '')?.target;
    if (ports.length > 1) input.warn(`${ports.length} ports published; only the first is used`);
    return {
      category: 'build',
      service: {
        name,
        context: context.dir,
        ...optional('dockerfile', dockerfile),
        ...optional('command', service.command ?? undefined),
        environment,
        envFiles: envFilesOf(service).map((f) => f.path),
        ...optional('containerPort', containerPort),
        ...optional('publishedPort', published),
        dependsOn: dependenciesOf(service).map((d) => d.name),
        ...(input.secrets?.length ? { secrets: input.secrets } : {}),
      },
    };
  }
  if (service.image === undefined) {
    input.warn('has neither build nor image; skipped');
    return null;
  }
  const ref = parseImageRef(service.image);
  const kind = databaseKindOf(ref);
  if (kind === null) {
    return {
      category: 'unknown',
      service: { name, image: service.image, ...unknownImageReason(service.image, ref) },
    };
  }
  const command =
    typeof service.command === 'string' ? service.command.split(/\s+/) : (service.command ?? []);
  const initScripts = initScriptsOf(service);
  return {
    category: 'database',
    service: {
      name,
      kind,
      image: service.image,
      ...optional('version', versionOfTag(ref.tag)),
      credentials: credentialsOf(
        kind,
        ref,
        withFileVariables({ ...input.fileEnv, ...environment }, input.secretText ?? {}),
        command,
      ),
      ...optional('publishedPort', published),
      ...(kind !== 'redis' && initScripts.length > 0 ? { initScripts } : {}),
    },
  };
}

/**
 * A service's `secrets` that the file has a `file` for (`fileSecrets`), as mounts at
 * `/run/secrets/<name>` (short syntax) or at `target` (long syntax; relative under
 * `/run/secrets/`). Source: https://docs.docker.com/reference/compose-file/services/#secrets
 */
export function secretsOf(
  service: ComposeService,
  fileSecrets: Record<string, string>,
): { source: string; target: string }[] {
  const listed = Array.isArray(service['secrets']) ? (service['secrets'] as unknown[]) : [];
  const out: { source: string; target: string }[] = [];
  for (const entry of listed) {
    const name = typeof entry === 'string' ? entry : (entry as { source?: unknown } | null)?.source;
    if (typeof name !== 'string' || fileSecrets[name] === undefined) continue;
    const given = typeof entry === 'object' ? (entry as { target?: unknown }).target : undefined;
    const target = path.posix.resolve('/run/secrets', typeof given === 'string' ? given : name);
    if (!target.startsWith('/run/')) continue;
    out.push({ source: fileSecrets[name], target });
  }
  return out;
}

/**
 * `env` with each `<NAME>_FILE` variable that points at a known secret also given as
 * `<NAME>` (unless set): the official images' convention for passwords kept in files
 * (`POSTGRES_PASSWORD_FILE`, `MYSQL_ROOT_PASSWORD_FILE`, `MARIADB_PASSWORD_FILE`).
 */
export function withFileVariables(
  env: Record<string, string>,
  secretText: Record<string, string>,
): Record<string, string> {
  const out = { ...env };
  for (const [key, value] of Object.entries(env)) {
    const base = key.endsWith('_FILE') ? key.slice(0, -'_FILE'.length) : null;
    if (base && out[base] === undefined && secretText[value] !== undefined)
      out[base] = secretText[value];
  }
  return out;
}

/** Where the official postgres, mysql and mariadb images look for initialisation scripts. */
const INITDB_DIR = '/docker-entrypoint-initdb.d';

/**
 * The bind mounts of a database service into {@link INITDB_DIR} (or a file in it), short
 * syntax (`./db/init.sql:/docker-entrypoint-initdb.d/init.sql:ro`) or long (`type: bind`):
 * sources relative to the repository root; named volumes and sources outside it (absolute,
 * `..`) are left out. Source: https://docs.docker.com/reference/compose-file/services/#volumes,
 * "Initialization scripts" of https://hub.docker.com/_/postgres and https://hub.docker.com/_/mysql
 */
export function initScriptsOf(service: ComposeService): { source: string; target: string }[] {
  const volumes = Array.isArray(service['volumes']) ? (service['volumes'] as unknown[]) : [];
  const out: { source: string; target: string }[] = [];
  for (const v of volumes) {
    let source: string | undefined;
    let target: string | undefined;
    if (typeof v === 'string') {
      [source, target] = v.split(':');
    } else if (typeof v === 'object' && v !== null) {
      const long = v as { type?: unknown; source?: unknown; target?: unknown };
      if (
        long.type === 'bind' &&
        typeof long.source === 'string' &&
        typeof long.target === 'string'
      )
        [source, target] = [long.source, long.target];
    }
    if (source === undefined || target === undefined) continue;
    const t = path.posix.normalize(target);
    if (t !== INITDB_DIR && !t.startsWith(`${INITDB_DIR}/`)) continue;
    if (!/^\.{1,2}(\/|$)/.test(source)) continue; // a named volume, or an absolute host path
    const rel = path.posix.normalize(source);
    if (rel === '..' || rel.startsWith('../')) continue;
    out.push({ source: rel, target: t });
  }
  return out;
}

/** `env_file` entries as `{ path, required }`, paths relative to the repository root. */
export function envFilesOf(service: ComposeService): { path: string; required: boolean }[] {
  const files = service.env_file === undefined ? [] : [service.env_file].flat();
  return files.map((f) =>
    typeof f === 'string'
      ? { path: path.posix.normalize(f), required: true }
      : { path: path.posix.normalize(f.path), required: f.required ?? true },
  );
}

/** `environment` as a map; `K` without a value takes the interpolation environment's, if any. */
function environmentOf(service: ComposeService, lookup: Lookup): Record<string, string> {
  const env = service.environment;
  const entries: [string, string | null][] = Array.isArray(env)
    ? env.map((e) =>
        e.includes('=') ? [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] : [e, null],
      )
    : Object.entries(env ?? {});
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    const resolved = value ?? lookup(key);
    if (resolved !== undefined) out[key] = resolved;
  }
  return out;
}

function portsOf(service: ComposeService, warn: (m: string) => void): PortMapping[] {
  const out: PortMapping[] = [];
  for (const entry of service.ports ?? []) {
    const port = parsePort(entry);
    if (port) out.push(port);
    else warn(`port ${JSON.stringify(entry)} not understood; ignored`);
  }
  return out;
}

/** A build context as a normalised folder of the repo, or why it is not one. */
function contextOf(raw: string): { dir: string; problem?: undefined } | { problem: string } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || raw.startsWith('git@')) {
    return { problem: 'is a remote repository: Repo Runner only runs folders of this one' };
  }
  const dir = path.posix.normalize(raw.replace(/\\/g, '/')).replace(/(.)\/+$/, '$1');
  if (path.posix.isAbsolute(dir) || dir === '..' || dir.startsWith('../')) {
    return { problem: 'is outside the repository' };
  }
  return { dir };
}

/** `{ [key]: value }` when value is defined, else `{}`: keeps absent fields absent. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
