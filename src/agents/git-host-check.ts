import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { UnrecoverableError } from '../model/errors.js';

/**
 * Addresses a service-mode clone may not reach: a git URL is fetched by the server, so one
 * that points at the server's own loopback, the cloud metadata service (link-local) or the
 * private network would let any user probe them (SSRF). Ranges: loopback 127/8 and ::1,
 * "this network" 0/8 and ::, link-local 169.254/16 and fe80::/10, private 10/8, 172.16/12,
 * 192.168/16 (RFC 1918), shared CGNAT 100.64/10 (RFC 6598), unique-local fc00::/7
 * (RFC 4193), and IPv4-mapped IPv6 forms of all of them. The check resolves names and
 * compares addresses; it never connects to them: probing the metadata service would be
 * opt-in and off by default and in tests.
 */
const BLOCKED = new BlockList();
const V4: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
];
for (const [net, bits] of V4) BLOCKED.addSubnet(net, bits, 'ipv4');
BLOCKED.addAddress('::', 'ipv6');
BLOCKED.addAddress('::1', 'ipv6');
BLOCKED.addSubnet('fe80::', 10, 'ipv6');
BLOCKED.addSubnet('fc00::', 7, 'ipv6');

/** True when `address` (an IPv4 or IPv6 literal) is loopback, link-local or private. */
export function isBlockedAddress(address: string): boolean {
  const kind = isIP(address);
  if (kind === 4) return BLOCKED.check(address, 'ipv4');
  if (kind !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return BLOCKED.check(mapped, 'ipv4');
  return BLOCKED.check(address, 'ipv6');
}

/** The host of a git URL (`https://h/…`, `ssh://u@h:22/…`, scp-like `u@h:path`); null for file URLs. */
export function gitUrlHost(url: string): string | null {
  const scp = /^[^@/]+@([^:/]+):/.exec(url);
  if (scp && !url.includes('://')) return scp[1] ?? null;
  const parsed = new URL(url);
  if (parsed.protocol === 'file:') return null;
  // URL keeps IPv6 literals in brackets.
  return parsed.hostname.replace(/^\[|\]$/g, '');
}

/** How a host name is resolved (injectable for tests); every address, like `dns.lookup(…, { all: true })`. */
export type ResolveAll = (host: string) => Promise<Array<{ address: string }>>;

const systemResolve: ResolveAll = (host) => lookup(host, { all: true, verbatim: true });

/**
 * Refuses a git URL whose host is, or resolves to, a loopback, link-local or private address
 * (service mode; the CLI clones what its own user asks). Literal addresses are checked
 * without any lookup or connection; names are resolved with `dns.lookup` (every address, as
 * git's resolver would see them) and refused if any is blocked. File URLs are not checked
 * here (the server keeps them inside its repos roots).
 *
 * @throws UnrecoverableError BAD_INPUT naming the address, or when the host does not resolve.
 * @example
 * await assertPublicGitHost('https://169.254.169.254/x.git'); // throws, no traffic sent (a probe would be opt-in)
 */
export async function assertPublicGitHost(
  url: string,
  resolve: ResolveAll = systemResolve,
): Promise<void> {
  const host = gitUrlHost(url);
  if (host === null) return;
  const hint =
    'a server clones only from public hosts: loopback, link-local and private addresses are refused';
  if (isIP(host)) {
    if (isBlockedAddress(host))
      throw new UnrecoverableError(
        'BAD_INPUT',
        `refusing ${url}: ${host} is not a public address`,
        hint,
      );
    return;
  }
  let addresses: Array<{ address: string }>;
  try {
    addresses = await resolve(host);
  } catch (err) {
    throw new UnrecoverableError(
      'BAD_INPUT',
      `refusing ${url}: the host ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      'check the URL',
    );
  }
  const bad = addresses.find((a) => isBlockedAddress(a.address));
  if (bad)
    throw new UnrecoverableError(
      'BAD_INPUT',
      `refusing ${url}: ${host} resolves to ${bad.address}, which is not a public address`,
      hint,
    );
}
