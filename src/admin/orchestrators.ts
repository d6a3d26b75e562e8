import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Agent } from '../agents/agent.js';
import { writeJsonAtomic } from '../store/state-files.js';
import { RefusalError, RepoRunnerError } from '../model/errors.js';
import {
  ORCHESTRATOR_NAME,
  OrchestratorProfileSchema,
  type Orchestrator,
  type OrchestratorProfile,
  type OrchestratorStore,
} from '../model/orchestrator.js';
import { describeIssues } from '../model/overrides.js';
import type { RunOptions } from '../model/run-options.js';
import type { AdminActor } from './agent-specs.js';
import { appendAdminState } from './state-file.js';

/** The seeds' per-business state file in the data dir: `business_state_<name>.json`. */
export const businessStateFile = (home: string, name: string): string =>
  path.join(home, `business_state_${name}.json`);

/**
 * Validates a profile (parsed JSON or YAML).
 * @throws RefusalError BAD_INPUT naming each bad field.
 */
export function validateProfile(raw: unknown, source = 'the profile'): OrchestratorProfile {
  const parsed = OrchestratorProfileSchema.safeParse(raw ?? {});
  if (!parsed.success)
    throw new RefusalError(
      'BAD_INPUT',
      `${source} is not a valid orchestrator profile: ${describeIssues(parsed.error)}`,
      'see docs/admin-agent.md for the fields',
    );
  return parsed.data;
}

/**
 * Refuses a name that is not 2–40 of a-z, 0-9, `_` and `-`.
 * @throws RefusalError BAD_INPUT.
 */
export function checkOrchestratorName(name: string): void {
  if (!ORCHESTRATOR_NAME.test(name))
    throw new RefusalError(
      'BAD_INPUT',
      `${JSON.stringify(name)} is not a business name here: 2–40 of a-z, 0-9, _ and -, starting with a letter or digit`,
    );
}

/** The username of orchestrator `name`'s service user. */
export const serviceUsername = (name: string): string => `org-${name}`;

/**
 * Creates business orchestrator `name` with `profile`, and its state file
 * (`business_state_<name>.json`: name, profile, who and when).
 * @throws RefusalError BAD_INPUT for a bad name; CONFLICT when the name is taken.
 */
export async function createBusinessOrchestrator(
  store: OrchestratorStore,
  actor: AdminActor,
  name: string,
  profile: OrchestratorProfile,
  userId: string | null = null,
): Promise<Orchestrator> {
  checkOrchestratorName(name);
  const o: Orchestrator = {
    name,
    profile,
    userId,
    createdBy: actor.user,
    createdAt: new Date().toISOString(),
  };
  if (!(await store.createOrchestrator(o)))
    throw new RefusalError(
      'CONFLICT',
      `a business orchestrator named ${name} exists`,
      'choose another name (see list-orchestrators)',
    );
  mkdirSync(actor.home, { recursive: true });
  writeJsonAtomic(businessStateFile(actor.home, name), o);
  appendAdminState(actor.home, {
    action: 'create-orchestrator',
    orchestrator: name,
    by: actor.user,
  });
  return o;
}

/**
 * The options of a run started through orchestrator `o`: its policies applied to what was
 * asked. Its fix bound caps the run's (0: no fixes); its health timeout and index setting
 * apply where the request set none; its env goes to every service under the request's own.
 */
export function orchestratorRunOptions(
  o: Orchestrator,
  requested: Partial<RunOptions>,
): Partial<RunOptions> {
  const p = o.profile;
  const maxFixes =
    p.maxFixes === undefined
      ? requested.maxFixes
      : Math.min(p.maxFixes, requested.maxFixes ?? p.maxFixes);
  const overrides = p.env
    ? { ...requested.overrides, env: { ...p.env, ...requested.overrides?.env } }
    : requested.overrides;
  return {
    ...requested,
    orchestrator: o.name,
    ...(maxFixes !== undefined ? { maxFixes } : {}),
    ...(maxFixes === 0 ? { fix: false } : {}),
    ...(p.healthTimeoutMs && !requested.healthTimeoutMs
      ? { healthTimeoutMs: p.healthTimeoutMs }
      : {}),
    ...(p.index !== undefined && requested.index === undefined ? { index: p.index } : {}),
    ...(overrides ? { overrides } : {}),
  };
}

/**
 * The agent that holds a run to its orchestrator's allowed ecosystems: in the plan phase,
 * after the plan is made and before anything is installed, a planned service whose provider
 * is not allowed fails the run with FORBIDDEN.
 */
export function ecosystemPolicyAgent(o: Orchestrator): Agent<'custom'> {
  return {
    name: 'OrchestratorPolicy',
    role: 'manager',
    phase: 'plan',
    produces: 'custom',
    async run(ctx) {
      const allowed = o.profile.allowedEcosystems ?? [];
      const refused = (ctx.state.plan?.services ?? []).filter((s) => !allowed.includes(s.provider));
      if (refused.length > 0)
        throw new RepoRunnerError(
          'FORBIDDEN',
          `business orchestrator ${o.name} allows ${allowed.join(', ')}; this repository needs ${refused.map((s) => `${s.provider} (${s.name})`).join(', ')}`,
          `run it through another orchestrator, or widen ${o.name}'s allowedEcosystems`,
        );
      return { ...ctx.state.custom, OrchestratorPolicy: { orchestrator: o.name, allowed } };
    },
  };
}
