import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceSpec } from '../model/plan.js';
import { connectHost } from '../health/readiness.js';
import { urlVariable } from '../model/service-url.js';
import { STATIC_SERVER } from '../model/plan.js';

/** Path of the compiled built-in static server (beside this file's folder in dist/ or src/). */
export function staticServerEntry(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const ext = path.extname(fileURLToPath(import.meta.url));
  return path.join(here, '..', 'static', `serve-static${ext}`);
}

/**
 * Replaces the `{port}` and `{host}` placeholders of a planned argv, expands
 * {@link STATIC_SERVER}, and resolves a program given as a relative path
 * (`.venv/bin/gunicorn`) against the command's working directory.
 */
export function resolveArgv(
  argv: string[],
  cwd: string,
  port: number | null,
  host: string,
): string[] {
  const out = argv.map((token, i) => {
    const value = token
      .replaceAll('{port}', port === null ? '' : String(port))
      .replaceAll('{host}', host);
    return i === 0 && value.includes('/') && value !== STATIC_SERVER
      ? path.resolve(cwd, value)
      : value;
  });
  if (out[0] === STATIC_SERVER) {
    const entry = staticServerEntry();
    // From source (tests under tsx) the server is TypeScript and needs the same loader.
    const loader = entry.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
    return [process.execPath, ...loader, entry, ...out.slice(1)];
  }
  return out;
}

/**
 * The URLs of every service that has a port, as env vars (`<NAME>_URL=http://127.0.0.1:8001`),
 * so services that talk to each other find each other.
 */
export function serviceUrls(ports: Record<string, number>, host: string): Record<string, string> {
  const h = connectHost(host);
  const shown = h.includes(':') ? `[${h}]` : h;
  return Object.fromEntries(
    Object.entries(ports).map(([name, port]) => [urlVariable(name), `http://${shown}:${port}`]),
  );
}

/**
 * Services in start order: each after the services it depends on (`dependsOn`), otherwise
 * in plan order. Unknown names are ignored; a cycle keeps plan order for the services in it.
 */
export function startOrder(services: ServiceSpec[]): ServiceSpec[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: ServiceSpec[] = [];
  const visit = (s: ServiceSpec) => {
    if (done.has(s.name) || visiting.has(s.name)) return;
    visiting.add(s.name);
    for (const dep of s.dependsOn ?? []) {
      const d = byName.get(dep);
      if (d) visit(d);
    }
    visiting.delete(s.name);
    done.add(s.name);
    order.push(s);
  };
  services.forEach(visit);
  return order;
}
