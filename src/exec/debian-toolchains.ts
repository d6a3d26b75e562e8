import type { ServiceSpec } from '../model/plan.js';
import { outputTail } from './process-result.js';
import { aptGet, canInstallPackages } from './apt.js';
import { resolveProgram } from './sandbox.js';

/**
 * Toolchain programs a plan may run that Debian packages well enough to use as they are, and
 * the packages that give them (Debian 12 "bookworm" names: php-cli 8.2, composer 2.5,
 * maven 3.8, default-jdk-headless 17; https://packages.debian.org/bookworm/). Not here:
 * Go, Rust and Node, whose Debian releases are too old for most projects (the Go module proxy,
 * rustup and the npm registry give newer ones), and Python, which the machine's own tools
 * need. A fixed table: a repository never names what gets installed.
 */
export const DEBIAN_TOOLCHAIN_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  php: ['php-cli'],
  composer: ['composer'],
  mvn: ['maven'],
  java: ['default-jdk-headless'],
  javac: ['default-jdk-headless'],
};

/** Shells whose `-c` script's first word is the program a start command really runs. */
const SHELLS = new Set(['sh', 'bash', 'dash']);

/**
 * The program a command runs: `argv[0]`, or for `sh -c '<script>'` the first word of the
 * script after any `NAME=value` assignments and `exec`.
 */
export function commandProgram(argv: readonly string[]): string | null {
  const first = argv[0];
  if (first === undefined) return null;
  if (!SHELLS.has(first) || argv[1] !== '-c' || argv[2] === undefined) return first;
  const words = argv[2].trim().split(/\s+/);
  const word = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) && w !== 'exec');
  return word && /^[\w./+-]+$/.test(word) ? word : null;
}

/** One program a service needs that is missing, and the Debian packages that give it. */
export interface MissingToolchain {
  program: string;
  packages: readonly string[];
}

/**
 * The programs of {@link DEBIAN_TOOLCHAIN_PACKAGES} that `service`'s install steps, build
 * steps and start command run and that are not on `pathVar` (as the command would look them
 * up from `cwd`).
 */
export function missingDebianToolchains(
  service: Pick<ServiceSpec, 'install' | 'build' | 'start'>,
  pathVar: string,
  cwd: string,
): MissingToolchain[] {
  const commands = [...(service.install?.steps ?? []), ...service.build, service.start];
  const missing = new Map<string, MissingToolchain>();
  for (const cmd of commands) {
    const program = commandProgram(cmd.argv);
    if (program === null || program.includes('/') || missing.has(program)) continue;
    const packages = DEBIAN_TOOLCHAIN_PACKAGES[program];
    if (!packages || resolveProgram(program, cwd, pathVar) !== null) continue;
    missing.set(program, { program, packages });
  }
  return [...missing.values()];
}

/** What {@link installDebianToolchains} did: the packages installed, or why it could not. */
export type DebianInstall =
  { ok: true; packages: string[]; durationMs: number } | { ok: false; reason: string };

/**
 * Installs the Debian packages of `missing` (`apt-get update`, then `apt-get install -y
 * --no-install-recommends`, under the apt lock of `apt.ts`), as Repo Runner installs database
 * servers. Needs root and apt-get; says why not otherwise. Never throws for a failed
 * install: the caller reports the missing program with its install hint as before.
 */
export async function installDebianToolchains(
  missing: readonly MissingToolchain[],
  signal?: AbortSignal,
): Promise<DebianInstall> {
  const packages = [...new Set(missing.flatMap((m) => m.packages))];
  const want = `\`apt-get install ${packages.join(' ')}\``;
  if (!canInstallPackages()) return { ok: false, reason: `${want} needs root and apt-get` };
  const started = Date.now();
  const update = await aptGet(['update'], signal);
  const install = await aptGet(['install', '-y', '--no-install-recommends', ...packages], signal);
  if (install.failed) {
    const why = outputTail(update.failed ? update : install, 5).join(' | ');
    return { ok: false, reason: `${want} failed: ${why}` };
  }
  return { ok: true, packages, durationMs: Date.now() - started };
}
