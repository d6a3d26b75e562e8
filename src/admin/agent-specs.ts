import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ALLOWED_PROGRAMS, pathValues } from '../fixer/vet-model-action.js';
import {
  AgentSpecSchema,
  type AgentSpec,
  type AgentSpecStore,
  type AgentSpecVersion,
} from '../model/agent-spec.js';
import { RefusalError } from '../model/errors.js';
import { issueLines } from '../model/overrides.js';
import { appendAdminState } from './state-file.js';

/** Largest spec file read, bytes (a spec is a few hundred bytes; 256 KiB is generous). */
export const MAX_SPEC_BYTES = 256 * 1024;

/**
 * Parses a spec's text (YAML or JSON: JSON is YAML) and validates it.
 * @throws RefusalError BAD_INPUT naming the field and what is wrong with it, e.g.
 *   `commands.0.argv.0: bash is not a toolchain program…`, or the YAML syntax error.
 */
export function parseAgentSpec(text: string, source = 'the spec'): AgentSpec {
  if (Buffer.byteLength(text) > MAX_SPEC_BYTES)
    throw new RefusalError('BAD_INPUT', `${source} is over ${MAX_SPEC_BYTES} bytes`);
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 10 });
  } catch (err) {
    throw new RefusalError(
      'BAD_INPUT',
      `${source} is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`,
      'fix the syntax; see docs/admin-agent.md for an example',
    );
  }
  return validateAgentSpec(raw, source);
}

/**
 * Validates a parsed spec: the schema (unknown fields refused, so a spec cannot ask for
 * capabilities or the host network), then {@link vetSpecCommands}.
 * @throws RefusalError BAD_INPUT with every problem, each as `field: reason`.
 */
export function validateAgentSpec(raw: unknown, source = 'the spec'): AgentSpec {
  const parsed = AgentSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = issueLines(parsed.error);
    throw new RefusalError(
      'BAD_INPUT',
      `${source} is not a valid agent spec: ${problems.join('; ')}`,
      'see docs/admin-agent.md for the fields',
      { details: { problems } },
    );
  }
  const refused = vetSpecCommands(parsed.data);
  if (refused.length > 0)
    throw new RefusalError(
      'BAD_INPUT',
      `${source} is refused: ${refused.join('; ')}`,
      'a custom agent runs toolchain programs or files of the repository, inside it, in the run sandbox',
      { details: { problems: refused } },
    );
  return parsed.data;
}

/**
 * What the spec's commands may not do, checked before any repository exists (the run checks
 * again against the real repository, symlinks followed): the program must be a toolchain
 * program (the list the FixerAgent allows a model) or a relative path to a file of the
 * repository; no argument may be an absolute path or climb out with `..`.
 * @returns `field: reason` per problem ([] when none).
 */
export function vetSpecCommands(spec: AgentSpec): string[] {
  const problems: string[] = [];
  for (const [i, c] of (spec.commands ?? []).entries()) {
    const [program = '', ...args] = c.argv;
    const at = `commands.${i}.argv`;
    if (!program.includes('/') && !ALLOWED_PROGRAMS.has(program))
      problems.push(
        `${at}.0: ${program} is not a toolchain program (${[...ALLOWED_PROGRAMS].slice(0, 6).join(', ')}, …) or a file of the repository (./path)`,
      );
    else if (
      program.includes('/') &&
      (path.isAbsolute(program) || program.split('/').includes('..'))
    )
      problems.push(`${at}.0: ${program} is not inside the repository (use a relative path)`);
    for (const [j, a] of args.entries()) {
      if (pathValues(a).some((v) => path.isAbsolute(v)))
        problems.push(
          `${at}.${j + 1}: ${a} names an absolute path (commands stay in the repository)`,
        );
      else if (a.split(/[\\/]/).includes('..'))
        problems.push(`${at}.${j + 1}: ${a} leaves the repository with ..`);
    }
  }
  return problems;
}

/** Who asks, for the versions' `createdBy` and the Admin Agent's state file. */
export interface AdminActor {
  /** The user (null from the local CLI, which is the machine's own developer). */
  user: string | null;
  /** The data dir holding the Admin Agent's state file (`admin_agent_state.json`). */
  home: string;
}

/**
 * Appends one line to the Admin Agent's state file: the checkpoint it takes whenever it
 * creates or changes an agent (the seeds ask for one), JSON Lines.
 */
function checkpoint(actor: AdminActor, entry: Record<string, unknown>): void {
  appendAdminState(actor.home, { by: actor.user, ...entry });
}

const notFound = (name: string) =>
  new RefusalError(
    'NOT_FOUND',
    `there is no agent named ${name}`,
    'see `repo-runner admin-agent list-agents`',
  );

/**
 * Creates agent `spec.name` (version 1, enabled) or, with `replace`, saves a new version of
 * an existing one (keeping whether it was enabled).
 * @throws RefusalError CONFLICT when the name is taken and `replace` is not set.
 */
export async function createAgent(
  store: AgentSpecStore,
  actor: AdminActor,
  spec: AgentSpec,
  replace = false,
): Promise<AgentSpecVersion> {
  const versions = await store.agentSpecVersions(spec.name);
  const last = versions.at(-1);
  if (last && !replace)
    throw new RefusalError(
      'CONFLICT',
      `an agent named ${spec.name} exists (version ${last.version})`,
      'choose another name, or replace it (--replace; a new version, the old ones kept)',
    );
  const saved = await store.saveAgentSpec({
    spec,
    enabled: last?.enabled ?? true,
    change: last ? 'update' : 'create',
    createdBy: actor.user,
  });
  checkpoint(actor, { action: saved.change, agent: saved.name, version: saved.version });
  return saved;
}

/**
 * Enables or disables an agent from the next run on (a new version with the same spec).
 * Returns the current version unchanged when it already is so.
 * @throws RefusalError NOT_FOUND for an unknown name.
 */
export async function setAgentEnabled(
  store: AgentSpecStore,
  actor: AdminActor,
  name: string,
  enabled: boolean,
): Promise<AgentSpecVersion> {
  const last = (await store.agentSpecVersions(name)).at(-1);
  if (!last) throw notFound(name);
  if (last.enabled === enabled) return last;
  const saved = await store.saveAgentSpec({
    spec: last.spec,
    enabled,
    change: enabled ? 'enable' : 'disable',
    createdBy: actor.user,
  });
  checkpoint(actor, { action: saved.change, agent: name, version: saved.version });
  return saved;
}

/**
 * Rolls an agent back to `version`'s spec and enabled flag, as a new version.
 * @throws RefusalError NOT_FOUND for an unknown name or version.
 */
export async function rollbackAgent(
  store: AgentSpecStore,
  actor: AdminActor,
  name: string,
  version: number,
): Promise<AgentSpecVersion> {
  const versions = await store.agentSpecVersions(name);
  if (versions.length === 0) throw notFound(name);
  const target = versions.find((v) => v.version === version);
  if (!target)
    throw new RefusalError(
      'NOT_FOUND',
      `agent ${name} has no version ${version} (it has 1–${versions.at(-1)!.version})`,
    );
  const saved = await store.saveAgentSpec({
    spec: target.spec,
    enabled: target.enabled,
    change: 'rollback',
    fromVersion: version,
    createdBy: actor.user,
  });
  checkpoint(actor, { action: 'rollback', agent: name, version: saved.version, from: version });
  return saved;
}

/**
 * Every version of `name`, oldest first.
 * @throws RefusalError NOT_FOUND for an unknown name.
 */
export async function agentHistory(
  store: AgentSpecStore,
  name: string,
): Promise<AgentSpecVersion[]> {
  const versions = await store.agentSpecVersions(name);
  if (versions.length === 0) throw notFound(name);
  return versions;
}
