import os from 'node:os';

/** Operating-system part of the env facts, from `node:os` plus the distro name. */
export interface OsFacts {
  os: {
    /** `process.platform` style: `linux`, `darwin`, `win32`. */
    platform: string;
    /** Kernel release, e.g. `6.1.0-18-amd64`. */
    release: string;
    /** `x64`, `arm64`, ... */
    arch: string;
    /** PRETTY_NAME of os-release, e.g. `Debian GNU/Linux 12 (bookworm)`; null when unknown. */
    distro: string | null;
  };
  /** CPUs this process may use (`os.availableParallelism()`). */
  cpus: number;
  /** Total memory in bytes. */
  memoryBytes: number;
}

/**
 * PRETTY_NAME from os-release text, or null. Values follow shell quoting (os-release(5)):
 * double quotes allow `\"`, `\\`, `\$` and `` \` `` escapes, single quotes are literal.
 *
 * @example
 * parseOsReleasePrettyName('PRETTY_NAME="Ubuntu 22.04.4 LTS"\n') // 'Ubuntu 22.04.4 LTS'
 */
export function parseOsReleasePrettyName(text: string): string | null {
  const raw = /^PRETTY_NAME=(.*)$/m.exec(text)?.[1]?.trim();
  if (raw === undefined) return null;
  let value = raw;
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    value = raw.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
  } else if (raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'")) {
    value = raw.slice(1, -1);
  }
  return value.trim() || null;
}

/**
 * OS facts of this host. The distro comes from `/etc/os-release`, falling back to
 * `/usr/lib/os-release` as os-release(5) prescribes, read through `readFile` (null when
 * missing) so tests can feed a fake tree; everything else is the real host's `node:os`.
 */
export async function readOsFacts(
  readFile: (path: string) => Promise<string | null>,
): Promise<OsFacts> {
  const text = (await readFile('/etc/os-release')) ?? (await readFile('/usr/lib/os-release'));
  return {
    os: {
      platform: os.platform(),
      release: os.release(),
      arch: os.arch(),
      distro: text === null ? null : parseOsReleasePrettyName(text),
    },
    cpus: os.availableParallelism(),
    memoryBytes: os.totalmem(),
  };
}
