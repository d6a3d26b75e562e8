import { writeFileSync } from 'node:fs';
import { outputTail } from '../exec/process-result.js';
import { runCommand } from '../exec/run-command.js';
import { aptGet } from '../exec/apt.js';
import { findProgram, hasServerBinaries, SERVER_PACKAGES } from './find-server-binaries.js';
import { DATABASE_KINDS, type DatabaseKind } from './types.js';

/** Outcome of {@link ensureServerInstalled}: ready, or why the server cannot be had. */
export type ServerAvailability = { ok: true; installed: string[] } | { ok: false; reason: string };

const apt = aptGet;

/**
 * Debian's packages start what they install where policy-rc.d allows it: a `main`
 * PostgreSQL cluster on 5432, MariaDB on 3306, Redis on 6379. Nobody asked for those: stop
 * them, and set the PostgreSQL clusters to `manual` (start.conf) so they stay down at boot.
 */
async function stopPackagedServices(packages: string[], signal?: AbortSignal): Promise<void> {
  const opts = { cwd: '/', signal, timeoutMs: 60_000 };
  if (packages.includes(SERVER_PACKAGES.postgres)) {
    const list = await runCommand(['pg_lsclusters', '--no-header'], opts);
    for (const line of list.stdout.split('\n')) {
      const [version, name] = line.trim().split(/\s+/);
      if (!version || !name) continue;
      await runCommand(['pg_ctlcluster', version, name, 'stop'], opts);
      try {
        writeFileSync(`/etc/postgresql/${version}/${name}/start.conf`, 'manual\n');
      } catch {
        /* not a Debian cluster layout */
      }
    }
  }
  if (packages.includes(SERVER_PACKAGES.mysql))
    await runCommand(['service', 'mariadb', 'stop'], opts);
  if (packages.includes(SERVER_PACKAGES.redis))
    await runCommand(['service', 'redis-server', 'stop'], opts);
}

/**
 * Installs the Debian packages of `kinds` that are missing (`apt-get update`, then
 * `apt-get install -y`), then stops the default servers those packages may start (see
 * stopPackagedServices; only for packages installed now). Needs root and apt-get; returns
 * why not otherwise. An `apt-get update` failure (offline) still tries the install.
 */
export async function installServerPackages(
  kinds: readonly DatabaseKind[],
  signal?: AbortSignal,
): Promise<ServerAvailability> {
  const missing = kinds.filter((k) => !hasServerBinaries(k)).map((k) => SERVER_PACKAGES[k]);
  if (missing.length === 0) return { ok: true, installed: [] };
  const want = `\`apt-get install ${missing.join(' ')}\``;
  if (process.getuid?.() !== 0) return { ok: false, reason: `${want} needs root` };
  if (!findProgram(['apt-get'])) return { ok: false, reason: `no apt-get to run ${want}` };
  const update = await apt(['update'], signal);
  const install = await apt(['install', '-y', ...missing], signal);
  if (install.failed) {
    const why = outputTail(update.failed ? update : install, 5).join(' | ');
    return { ok: false, reason: `${want} failed: ${why}` };
  }
  await stopPackagedServices(missing, signal);
  const still = kinds.filter((k) => !hasServerBinaries(k));
  if (still.length > 0)
    return { ok: false, reason: `${want} ran, yet ${still.join(', ')} is still missing` };
  return { ok: true, installed: missing };
}

/**
 * For tests that need a real `kind` server: installs every missing server package in one
 * apt-get run when possible (root + apt-get), else returns why not. In CI (`CI=true`) a
 * missing server is a failure, never a skip: this then throws instead of returning.
 *
 * @returns false when the server is there, or the reason to skip.
 */
export async function serverSkipReason(kind: DatabaseKind): Promise<string | false> {
  if (hasServerBinaries(kind)) return false;
  const result = await installServerPackages(DATABASE_KINDS);
  if (result.ok || hasServerBinaries(kind)) return false;
  if (process.env.CI === 'true') throw new Error(`${kind} server missing in CI: ${result.reason}`);
  return `${kind} server missing: ${result.reason}`;
}
