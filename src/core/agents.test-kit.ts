import type { Agent } from '../agents/agent.js';
import { fixerAgent } from '../agents/fixer-agent.js';
import { orchestratorAgent } from '../agents/orchestrator-agent.js';
import type { RepoRunnerError } from '../model/errors.js';
import type { PhaseName } from '../model/phases.js';
import type { RunContext } from '../model/run-context.js';

/** Fake agents for pipeline tests: one per phase, each returning plain data. */
/** What each fake agent returns unless a test says otherwise. */
export const RESULTS = {
  env: { environment: 'local', os: { platform: 'linux' }, cpus: 2 },
  workspace: { repoPath: '/src/app', kind: 'local', commit: null },
  plan: {
    ecosystems: ['python'],
    services: [{ name: 'web', start: { argv: ['python', 'app.py'] } }],
    warnings: [],
  },
  decided: { host: '127.0.0.1', ports: { web: 5001 } },
  installs: [{ service: 'web', status: 'installed', reason: 'new', durationMs: 3, hash: 'h' }],
  config: [],
  databases: [],
  builds: [{ service: 'web', status: 'none', durationMs: 0 }],
  services: [
    {
      name: 'web',
      pid: 4242,
      port: 5001,
      command: 'python app.py',
      argv: ['python', 'app.py'],
      cwd: '/src/app',
      env: {},
      logFile: '/x/web.log',
      startedAt: '2024-01-01T00:00:00.000Z',
    },
  ],
  health: [
    { service: 'web', health: 'healthy', url: 'http://127.0.0.1:5001/', detail: 'ok', logTail: [] },
  ],
} as const;

export type Produces = keyof typeof RESULTS;
export const AGENT_NAMES: Record<Produces, [string, PhaseName]> = {
  env: ['EnvDetectorAgent', 'env'],
  workspace: ['FileAgent', 'fetch'],
  plan: ['DetectionAgent', 'detect'],
  decided: ['PortsAndDatabasesPlanner', 'plan'],
  installs: ['DependencyAgent', 'dependencies'],
  config: ['ConfigAgent', 'configure'],
  databases: ['DatabaseAgent', 'database'],
  builds: ['SetupAgent', 'build'],
  services: ['RunnerAgent', 'start'],
  health: ['HealthAgent', 'health'],
};

export type Behaviour = (ctx: RunContext, call: number) => unknown;

/**
 * One fake agent per phase, counting its calls, then the real FixerAgent and
 * OrchestratorAgent (they act on what the fakes produce). `override` replaces what an agent does
 * (throw, return something else); `judge` adds a judge.
 */
export function fakeAgents(
  calls: Map<string, number>,
  override: Partial<Record<Produces, Behaviour>> = {},
  judge: Partial<Record<Produces, (result: unknown) => RepoRunnerError | null>> = {},
): Agent[] {
  const fakes = (Object.keys(AGENT_NAMES) as Produces[]).map((produces) => {
    const [name, phase] = AGENT_NAMES[produces];
    const agent = {
      name,
      phase,
      produces,
      ...(produces === 'decided' ? { role: 'manager' as const } : {}),
      async run(ctx: RunContext) {
        const call = (calls.get(name) ?? 0) + 1;
        calls.set(name, call);
        const behaviour = override[produces];
        return behaviour ? behaviour(ctx, call) : structuredClone(RESULTS[produces]);
      },
      ...(judge[produces] ? { judge: judge[produces] } : {}),
    };
    return agent as unknown as Agent;
  });
  return [...fakes, fixerAgent, orchestratorAgent] as Agent[];
}
