import { readFileSync } from 'node:fs';

/**
 * Host names code commonly hard-codes for its backing services (`redis://redis:6379`,
 * `DB_HOST=db`): a run network maps them to its own loopback so those apps find the run's
 * own servers. Callers add the compose service names of the repo.
 */
export const COMMON_SERVICE_HOSTS = [
  'db',
  'database',
  'postgres',
  'postgresql',
  'mysql',
  'mariadb',
  'mongo',
  'mongodb',
  'redis',
  'cache',
  'rabbitmq',
  'memcached',
  'elasticsearch',
] as const;

/** RFC 1123 host name (labels of letters, digits and hyphens; underscores as compose allows). */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;

/**
 * The `/etc/hosts` of a run: `localhost` on 127.0.0.1 and ::1, every valid name of
 * `hostNames` on 127.0.0.1 only, as Docker maps service names to IPv4: glibc would sort ::1
 * first, and a client that does not fall back would miss a database bound to 127.0.0.1. Names that are not host names (a compose key with a space, an injected newline)
 * are left out rather than written, so the file cannot be made to say anything else.
 *
 * @example
 * hostsFileText(['db', 'redis']); // "127.0.0.1\tlocalhost db redis\n::1\tlocalhost ip6-localhost ip6-loopback\n"
 */
export function hostsFileText(hostNames: readonly string[]): string {
  const names = [...new Set(hostNames.filter((n) => HOST_NAME.test(n) && n !== 'localhost'))];
  const tail = names.length > 0 ? ` ${names.join(' ')}` : '';
  return `127.0.0.1\tlocalhost${tail}\n::1\tlocalhost ip6-localhost ip6-loopback\n`;
}

/**
 * The `/etc/resolv.conf` of a run: only the one resolver its guard lets it reach (the host's
 * own may name several, or one on the host's loopback the run cannot see).
 */
export function resolvConfText(resolver: string): string {
  return `# written by Repo Runner for this run's network\nnameserver ${resolver}\noptions timeout:2 attempts:2\n`;
}

/**
 * The resolver a run's DNS goes to: the host's first `nameserver` that is not on its
 * loopback, else the upstream of systemd-resolved's 127.0.0.53 stub; null when there is none.
 * The run dials it directly through pasta (this pasta's `--dns-forward` mapping does not
 * forward here), and the guard opens port 53 of exactly this address.
 */
export function hostResolver(
  files = ['/etc/resolv.conf', '/run/systemd/resolve/resolv.conf'],
): string | null {
  for (const file of files) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const servers = [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1] ?? '');
    const usable = servers.find((a) => a !== '::1' && !a.startsWith('127.') && !a.includes('%'));
    if (usable) return usable;
  }
  return null;
}
