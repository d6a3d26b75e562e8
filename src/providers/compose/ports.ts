/** One port mapping: the port inside the container and the host port it is published on. */
export interface PortMapping {
  /** Port the process listens on (`80` in `"8080:80"`). */
  target: number;
  /** Host port (`8080` in `"8080:80"`); absent when Compose would pick one. */
  published?: number;
}

/** The first port of `8000` or a range `8000-8005`; undefined when not a valid port. */
function firstPort(text: string): number | undefined {
  const m = /^(\d+)(?:-\d+)?$/.exec(text.trim());
  const port = m?.[1] === undefined ? NaN : Number(m[1]);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
}

/**
 * Reads a `ports:` entry: short syntax `"80"`, `"8080:80"`, `"127.0.0.1:8080:80"`,
 * `"[::1]:8080:80"`, `"8080:80/udp"`, ranges (their first port), a bare number, or long
 * syntax `{ target, published }`. Null when the entry is not understood.
 * Source: https://docs.docker.com/reference/compose-file/services/#ports
 *
 * @example
 * parsePort('127.0.0.1:8080:80'); // { target: 80, published: 8080 }
 */
export function parsePort(
  entry: string | number | { target: string; published?: string | undefined },
): PortMapping | null {
  if (typeof entry === 'number') return parsePort(String(entry));
  if (typeof entry === 'object') {
    const target = firstPort(entry.target);
    if (target === undefined) return null;
    const published = entry.published === undefined ? undefined : firstPort(entry.published);
    return published === undefined ? { target } : { target, published };
  }
  // The host IP may be IPv6 in brackets; drop it and the `/tcp` suffix, then split.
  const spec = entry
    .trim()
    .replace(/\/\w+$/, '')
    .replace(/^\[[^\]]*\]:/, '');
  const parts = spec.split(':');
  const target = firstPort(parts[parts.length - 1] ?? '');
  if (target === undefined || parts.length > 3) return null;
  const hostPort = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  const published = hostPort ? firstPort(hostPort) : undefined;
  return published === undefined ? { target } : { target, published };
}
