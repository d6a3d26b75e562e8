import type { Agent } from '../agents/agent.js';
import type { AgentSpecStore, AgentSpecVersion } from '../model/agent-spec.js';
import { PHASES, type PhaseName } from '../model/phases.js';
import { agentFromSpec } from './custom-agent.js';

/** The orchestrator a run belongs to when no business orchestrator is named. */
export const DEFAULT_ORCHESTRATOR = 'default';

/** Whether `v` is on for runs of `orchestrator` (`*` in its spec: every orchestrator). */
export const enabledFor = (v: AgentSpecVersion, orchestrator: string): boolean =>
  v.enabled && (v.spec.orchestrators.includes('*') || v.spec.orchestrators.includes(orchestrator));

/**
 * `base` (the built-in agents, in phase order) with the custom agents placed where their
 * specs say: `before` goes ahead of the phase's built-in agents, `after` behind them; a
 * phase with no built-in agent gets them where its place in PHASES falls. Custom agents of
 * one phase and position keep `custom`'s order (by name from the store).
 */
export function withCustomAgents(
  base: readonly Agent[],
  custom: readonly { agent: Agent; position: 'before' | 'after' }[],
): Agent[] {
  const out = [...base];
  const rank = (p: PhaseName) => PHASES.indexOf(p);
  // `before` ones go in backwards, so each lands ahead of the built-ins but behind the
  // custom agents listed before it.
  const ordered = [
    ...custom.filter((c) => c.position === 'before').reverse(),
    ...custom.filter((c) => c.position === 'after'),
  ];
  for (const { agent, position } of ordered) {
    const at = rank(agent.phase);
    // Built-in phase agents only (failure/end agents sit in their own slots).
    const isPhaseAgent = (a: Agent) => (a.on ?? 'phase') === 'phase';
    let index: number;
    if (position === 'before') {
      index = out.findIndex((a) => isPhaseAgent(a) && rank(a.phase) >= at);
    } else {
      const after = out.findIndex((a) => isPhaseAgent(a) && rank(a.phase) > at);
      index = after;
    }
    if (index < 0) {
      // Nothing later among the phase agents: ahead of the failure and end agents.
      const slot = out.findIndex((a) => !isPhaseAgent(a));
      index = slot < 0 ? out.length : slot;
    }
    out.splice(index, 0, agent);
  }
  return out;
}

/**
 * The agents of a run of `orchestrator`: `base` plus every enabled custom agent of the
 * store (its latest version), placed by {@link withCustomAgents}. Prompt agents are included
 * (they warn and skip at run time).
 */
export async function registeredAgents(
  store: AgentSpecStore,
  base: readonly Agent[],
  orchestrator = DEFAULT_ORCHESTRATOR,
): Promise<Agent[]> {
  const versions = (await store.latestAgentSpecs()).filter((v) => enabledFor(v, orchestrator));
  return withCustomAgents(
    base,
    versions.map((v) => ({ agent: agentFromSpec(v) as Agent, position: v.spec.position })),
  );
}
