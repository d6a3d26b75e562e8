import { UnrecoverableError } from '../model/errors.js';
import {
  OverridesSchema,
  applyOverrides,
  describeIssues,
  type Overrides,
  type ServiceOverride,
} from '../model/overrides.js';
import type { RunPlan } from '../model/plan.js';
import { detectPlan } from '../providers/registry.js';
import type { RepoView } from '../repo/repo-view.js';

/** Override files looked for at the repository root, in order; the first found is used. */
export const OVERRIDE_FILES = [
  'repo-runner.json',
  '.repo-runner.json',
  '.repo-runner.yml',
  '.repo-runner.yaml',
] as const;

/**
 * Reads and validates the repo's override file, or null when there is none.
 *
 * @throws UnrecoverableError BAD_INPUT naming the file, the field and why, when it does not
 *   parse or validate.
 */
export async function readRepoOverrides(
  repo: RepoView,
): Promise<{ file: string; overrides: Overrides } | null> {
  for (const file of OVERRIDE_FILES) {
    const text = await repo.readText(file);
    if (text === null) continue;
    let data: unknown;
    try {
      data = file.endsWith('.json') ? JSON.parse(text) : (await import('yaml')).parse(text);
    } catch (err) {
      throw new UnrecoverableError(
        'BAD_INPUT',
        `${file} does not parse: ${(err as Error).message}`,
        `fix ${file} (or remove it) and run again`,
      );
    }
    const parsed = OverridesSchema.safeParse(data ?? {});
    if (!parsed.success) {
      throw new UnrecoverableError(
        'BAD_INPUT',
        `${file} is not valid: ${describeIssues(parsed.error)}`,
        `fix ${file}; the fields are described in docs/configuration.md`,
      );
    }
    return { file, overrides: parsed.data };
  }
  return null;
}

/** CLI flags as overrides: the service they target (all when absent) and the fields. */
export type CliOverrides = ServiceOverride & { service?: string };

/**
 * The RunPlan of a repository as Repo Runner will run it: the providers' plan, then the
 * repo's override file, then CLI flags (which win). Used by the detect phase and by `plan`.
 *
 * @throws UnrecoverableError BAD_INPUT for an invalid override file, a `--service` that
 *   names no service, or a service folder that leaves the repository (symlinks followed).
 */
export async function planRepository(repo: RepoView, cli?: CliOverrides): Promise<RunPlan> {
  let plan: RunPlan = await detectPlan(repo);
  const file = await readRepoOverrides(repo);
  if (file) plan = applyOverrides(plan, file.overrides);
  if (cli && Object.keys(cli).some((k) => k !== 'service')) {
    const { service, ...fields } = cli;
    if (service !== undefined) {
      if (!plan.services.some((s) => s.name === service) && !fields.start) {
        throw new UnrecoverableError(
          'BAD_INPUT',
          `--service ${service}: no such service (found: ${plan.services.map((s) => s.name).join(', ') || 'none'})`,
          'pass one of the detected names, or --start to define it',
        );
      }
      plan = applyOverrides(plan, { services: { [service]: fields } });
    } else if (plan.services.length === 0 && fields.start) {
      plan = applyOverrides(plan, { services: { web: fields } });
    } else {
      const { root: _root, ...top } = fields;
      plan = applyOverrides(plan, top);
    }
  }
  // Every folder a service runs in stays in the repository, symlinks followed, whoever named
  // it (a provider, the override file, a flag): its commands would run code from outside.
  // Not its install dir: a local user's `.venv` may link to a shared one on purpose.
  for (const s of plan.services) {
    try {
      repo.resolve(s.root);
    } catch (err) {
      throw new UnrecoverableError(
        'BAD_INPUT',
        `service ${s.name}: ${(err as Error).message}`,
        'point the service at a folder inside the repository',
        { cause: err },
      );
    }
  }
  // Paths refused after detection (the override file itself) are reported too.
  const unreported = repo.escapes.filter((e) => !plan.warnings.includes(e.message));
  if (unreported.length > 0)
    plan = { ...plan, warnings: [...plan.warnings, ...unreported.map((e) => e.message)] };
  return plan;
}
