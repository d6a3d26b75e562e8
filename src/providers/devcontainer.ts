import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import type { CommandSpec, ServiceSpec } from '../model/plan.js';
import type { RepoView } from '../repo/repo-view.js';

/** Where a devcontainer configuration may be (containers.dev spec), in order. */
export const DEVCONTAINER_FILES = [
  '.devcontainer/devcontainer.json',
  '.devcontainer.json',
] as const;

interface DevcontainerJson {
  postCreateCommand?: string | string[] | Record<string, string | string[]>;
  forwardPorts?: Array<number | string>;
}

/** A lifecycle command in any of its three forms, as argv lists (a string runs in a shell). */
function lifecycleCommands(c: DevcontainerJson['postCreateCommand']): string[][] {
  if (c === undefined) return [];
  if (typeof c === 'string') return [['sh', '-c', c]];
  if (Array.isArray(c)) return c.length > 0 ? [c] : [];
  return Object.values(c).flatMap((v) => lifecycleCommands(v));
}

/**
 * Applies a devcontainer.json (https://containers.dev/implementors/json_reference/):
 * `postCreateCommand` (string, array or object of them) runs after the first service's
 * install, as an optional step (a failure, e.g. a `sudo` that cannot work here, is a
 * warning); the first of `forwardPorts` becomes the preferred port of the first HTTP
 * service that has none. The file is JSON with comments, read with jsonc-parser.
 */
export async function applyDevcontainer(
  repo: RepoView,
  services: ServiceSpec[],
): Promise<{ services: ServiceSpec[]; warnings: string[] }> {
  for (const file of DEVCONTAINER_FILES) {
    const text = await repo.readText(file);
    if (text === null) continue;
    const errors: ParseError[] = [];
    const json = parseJsonc(text, errors, { allowTrailingComma: true }) as
      DevcontainerJson | undefined;
    if (errors.length > 0 || typeof json !== 'object' || json === null) {
      return { services, warnings: [`${file} does not parse as JSON with comments: ignored`] };
    }
    const out = [...services];
    const steps: CommandSpec[] = lifecycleCommands(json.postCreateCommand).map((argv) => ({
      argv,
      cwd: '.',
      env: {},
      description: `${file} postCreateCommand`,
      optional: true,
    }));
    const first = out[0];
    if (first && steps.length > 0) {
      out[0] = {
        ...first,
        install: {
          isolation: first.install?.isolation ?? 'toolchain-cache',
          dir: first.install?.dir ?? first.root,
          manifests: [...(first.install?.manifests ?? []), file],
          steps: [...(first.install?.steps ?? []), ...steps],
        },
        evidence: [...first.evidence, `${file}: postCreateCommand`],
      };
    }
    const port = (json.forwardPorts ?? [])
      .map((p) => Number(String(p).split(':').pop()))
      .find((p) => Number.isInteger(p) && p > 0 && p < 65536);
    const web = out.findIndex((s) => s.protocol === 'http' && s.preferredPort === undefined);
    if (port !== undefined && web >= 0) {
      const s = out[web] as ServiceSpec;
      out[web] = {
        ...s,
        preferredPort: port,
        evidence: [...s.evidence, `${file}: forwardPorts ${port}`],
      };
    }
    return { services: out, warnings: [] };
  }
  return { services, warnings: [] };
}
