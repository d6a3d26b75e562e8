import path from 'node:path';
import pc from 'picocolors';
import { readAdminState, readJsonLines } from '../../admin/state-file.js';
import { ADMIN_AGENT_FEED_FILE } from '../../agents/orchestrator-agent.js';
import type { Session } from '../session.js';

/**
 * `repo-runner admin-agent status`: custom agents (enabled of all), business orchestrators,
 * the run feed of the last 24 hours by status (`admin_agent_feed.jsonl`, written by the
 * OrchestratorAgent at the end of every run) and the last 5 interventions.
 */
export async function adminAgentStatus(session: Session, json: boolean): Promise<number> {
  const agents = await session.store.latestAgentSpecs();
  const orchestrators = await session.store.listOrchestrators();
  const since = new Date(Date.now() - 86_400_000).toISOString();
  const feed = readJsonLines(path.join(session.home, ADMIN_AGENT_FEED_FILE)).filter(
    (e) => String(e.at) >= since,
  );
  const byStatus: Record<string, number> = {};
  for (const e of feed) byStatus[String(e.status)] = (byStatus[String(e.status)] ?? 0) + 1;
  const interventions = readAdminState(session.home)
    .filter((e) => e.action === 'intervene' || e.action === 'watchdog')
    .slice(-5);
  const status = {
    agents: { total: agents.length, enabled: agents.filter((a) => a.enabled).length },
    orchestrators: orchestrators.map((o) => o.name),
    runsLastDay: byStatus,
    lastInterventions: interventions,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return 0;
  }
  const out = [
    `agents: ${status.agents.enabled} enabled of ${status.agents.total}`,
    `business orchestrators: ${status.orchestrators.join(', ') || 'none'}`,
    `runs in the last 24 h: ${
      Object.entries(byStatus)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') || 'none'
    }`,
    'last interventions:',
    ...(interventions.length === 0
      ? ['  none']
      : interventions.map(
          (e) =>
            `  ${pc.dim(String(e.at))} ${e.run} ${e.strategy ?? e.did ?? ''} ${e.status ?? e.escalated ?? e.reason ?? ''}`,
        )),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
