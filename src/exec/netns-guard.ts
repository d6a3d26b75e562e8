import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Destinations a run may never reach over its outbound link: private ranges (RFC 1918,
 * RFC 6598 carrier-grade NAT, IPv6 ULA), link-local (169.254.169.254 blocked; a probe is opt-in),
 * multicast and the "this network" block. Loopback needs no rule: a run's 127.0.0.1 is its
 * own namespace's. The metadata address is named here only to block it: Repo Runner never
 * probes it, and any probe of it would be opt-in and off by default and in tests.
 */
export const BLOCKED_RANGES: readonly string[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
];

/** The default IPv4 gateway of the host from /proc/net/route, or null when it has none. */
function defaultGateway4(): string | null {
  try {
    for (const line of readFileSync('/proc/net/route', 'utf8').split('\n').slice(1)) {
      const [, dest, gw] = line.trim().split(/\s+/);
      if (dest !== '00000000' || !gw) continue;
      const n = Number.parseInt(gw, 16); // little-endian hex
      return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
    }
  } catch {
    // not Linux or no procfs: the interface subnets below still cover the usual gateway
  }
  return null;
}

/**
 * The host's own addresses, their on-link subnets and its default gateway: pasta copies the
 * host's address into the run's namespace and connects out from the host, so a run dialling
 * one of these would reach the host's own listeners on 0.0.0.0 (the API, the store's
 * PostgreSQL) or its LAN neighbours.
 */
export function hostLocalBlocks(): string[] {
  const out = new Set<string>();
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      const bits = a.family === 'IPv4' ? 32 : 128;
      out.add(`${a.address.split('%')[0]}/${bits}`);
      if (a.cidr) out.add(networkOf(a.cidr));
    }
  }
  const gw = defaultGateway4();
  if (gw) out.add(`${gw}/32`);
  return [...out];
}

/** `192.0.2.2/24` → `192.0.2.0/24` (nft refuses a prefix with host bits set). */
function networkOf(cidr: string): string {
  const [addr = '', len = '0'] = cidr.split('/');
  const prefix = Number(len);
  if (!addr.includes(':')) {
    const n = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    const net = (n & mask) >>> 0;
    return `${[net >>> 24, (net >>> 16) & 255, (net >>> 8) & 255, net & 255].join('.')}/${prefix}`;
  }
  // IPv6: zero the host bits group by group.
  const groups = expand6(addr.split('%')[0] ?? '');
  const kept = groups.map((g, i) => {
    const from = i * 16;
    if (prefix >= from + 16) return g;
    if (prefix <= from) return 0;
    return g & ((0xffff << (16 - (prefix - from))) & 0xffff);
  });
  return `${kept.map((g) => g.toString(16)).join(':')}/${prefix}`;
}

function expand6(addr: string): number[] {
  const [head = '', tail] = addr.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...zeros, ...t].map((g) => Number.parseInt(g, 16) || 0);
}

/** What the guard lets through and what it stops. */
export interface GuardOptions {
  /**
   * The resolver the run's resolv.conf names: port 53 (UDP and TCP, for long answers) to it
   * stays allowed even when it is a private address, and nothing else of it.
   */
  resolver: string | null;
  /** Further CIDRs to stop (the host's own addresses, see {@link hostLocalBlocks}). */
  extraBlocked: readonly string[];
}

/**
 * The nftables ruleset loaded inside a run's namespace (`nft -f -`): an output hook that
 * rejects every packet to {@link BLOCKED_RANGES} and `extraBlocked`, except the run's own
 * loopback and DNS to the run's resolver. Reject (ICMP administratively prohibited), not drop:
 * a dropped SYN leaves `connect` retrying for minutes, a rejected one fails at once with
 * EHOSTUNREACH, so an app (and its fix step) learns immediately. Counters show what was hit.
 */
export function guardRuleset(o: GuardOptions): string {
  const all = [...BLOCKED_RANGES, ...o.extraBlocked];
  const v4 = all.filter((c) => !c.includes(':'));
  const v6 = all.filter((c) => c.includes(':'));
  const fam = o.resolver?.includes(':') ? 'ip6' : 'ip';
  const dns = o.resolver
    ? ['udp', 'tcp'].map((p) => `    ${fam} daddr ${o.resolver} ${p} dport 53 accept`)
    : [];
  return [
    // Declare-then-delete makes loading idempotent: an adopted namespace gets the rules anew.
    'table inet repo_runner_guard',
    'delete table inet repo_runner_guard',
    'table inet repo_runner_guard {',
    '  chain output {',
    '    type filter hook output priority 0; policy accept;',
    '    oif "lo" accept',
    ...dns,
    ...v4.map((c) => `    ip daddr ${c} counter reject with icmpx type admin-prohibited`),
    ...v6.map((c) => `    ip6 daddr ${c} counter reject with icmpx type admin-prohibited`),
    '  }',
    '}',
    '',
  ].join('\n');
}
