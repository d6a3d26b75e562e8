import type { ServiceSpec } from '../model/plan.js';
import type { RepoView } from '../repo/repo-view.js';

/** Source files a start command names (`app.py`, `node server.js`, `sh -c "node index.js"`). */
export function entryFiles(service: ServiceSpec): string[] {
  const words = service.start.argv.flatMap((a) => a.split(/\s+/));
  return words
    .filter((w) => /\.(py|js|mjs|cjs|ts)$/.test(w))
    .map((w) => (service.start.cwd === '.' ? w : `${service.start.cwd}/${w}`));
}

/** Patterns of a port fixed in code: `app.run(port=5000)`, `listen(3000)`, `port = 8080`. */
const FIXED = [
  /\.run\([^)]*\bport\s*=\s*(\d{2,5})/,
  /\.listen\(\s*(\d{2,5})\s*[,)]/,
  /\bport\s*[:=]\s*(\d{2,5})\b/i,
];

/** Signs the code reads its port from the environment, so nothing is fixed. */
const READS_ENV =
  /\b(process\.env\.PORT|process\.env\[['"]PORT['"]\]|os\.environ(\.get)?\s*[([]\s*['"]PORT|getenv\(\s*['"]PORT)/;

/**
 * The port an app's entry file hard-codes when it does not read `PORT` from the environment,
 * or null. Repo Runner then asks the PortManager for that port first (and the report says
 * why), since such an app cannot be moved by setting PORT.
 */
export async function hardCodedPort(
  repo: RepoView,
  service: ServiceSpec,
): Promise<{ port: number; file: string } | null> {
  for (const file of entryFiles(service)) {
    const text = await repo.readText(file);
    if (text === null || READS_ENV.test(text)) continue;
    for (const re of FIXED) {
      const port = Number(re.exec(text)?.[1]);
      if (port >= 1024 && port <= 65535) return { port, file };
    }
  }
  return null;
}

/**
 * Names of the other services whose URL variable (`API_URL` for `api`) a service's entry
 * files mention: they start first (`dependsOn`). A plain text scan, documented as a guess.
 */
export async function referencedServices(
  repo: RepoView,
  service: ServiceSpec,
  all: ServiceSpec[],
  urlVariable: (name: string) => string,
): Promise<string[]> {
  const texts = await Promise.all(entryFiles(service).map((f) => repo.readText(f)));
  const code = texts.filter((t): t is string => t !== null).join('\n');
  return all
    .filter((o) => o.name !== service.name && code.includes(urlVariable(o.name)))
    .map((o) => o.name);
}
