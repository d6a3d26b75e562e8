import path from 'node:path';
import type { Agent } from '../agents/agent.js';
import { toolEnv } from '../env/tool-env.js';
import { runStep } from '../exec/run-step.js';
import { appEnvFor, serviceEnv } from '../exec/service-env.js';
import { vetArgv } from '../fixer/vet-model-action.js';
import type { AgentSpecVersion } from '../model/agent-spec.js';
import { RepoRunnerError } from '../model/errors.js';
import { logFile } from '../model/paths.js';
import type { PhaseName } from '../model/phases.js';
import type { RunContext } from '../model/run-context.js';
import type { RunState } from '../model/run-state.js';

/** Largest run-state part handed to a command as `REPO_RUNNER_STATE_<KEY>`, bytes. */
export const MAX_STATE_ENV_BYTES = 64 * 1024;

/** What a custom agent leaves in `state.custom[name]` (and its seeds' state file). */
export interface CustomAgentResult {
  /** The spec version that ran. */
  version: number;
  status: 'done' | 'skipped';
  /** Why it was skipped. */
  reason?: string;
  commands: Array<{ argv: string[]; exitCode: number | null; durationMs: number }>;
}

/** The run-state parts the spec reads, as `REPO_RUNNER_STATE_<KEY>` JSON (too big ones left out). */
function stateEnv(
  ctx: RunContext,
  phase: string,
  reads: readonly string[],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of reads) {
    const value = ctx.state[key as keyof RunState];
    if (value === undefined) continue;
    const json = JSON.stringify(value);
    if (Buffer.byteLength(json) <= MAX_STATE_ENV_BYTES)
      env[`REPO_RUNNER_STATE_${key.toUpperCase()}`] = json;
    else
      ctx.bus.publish({
        kind: 'warning',
        phase,
        message: `run state ${key} is over ${MAX_STATE_ENV_BYTES} bytes: not passed to the custom agent`,
      });
  }
  return env;
}

/**
 * The agent a stored spec version describes, for the pipeline's one agent array: in the
 * spec's phase, it runs each command with {@link runStep} (so in the run's sandbox, its own
 * process group, output in `logs/agent-<name>.log` and on the bus), from the service's folder
 * (or the spec's `cwd`) with the service's environment (its databases' URLs, `PORT` and
 * `REPO_RUNNER_SERVICE_URL` once it runs, and the run-state parts it `reads`). Each argv is
 * vetted again against the real repository (symlinks followed) before it runs. A failed
 * command fails the phase with AGENT_FAILED (the FixerAgent does not try to fix a custom
 * agent), unless the command is `optional`. A prompt agent is skipped with a warning: prompt
 * agents are stored and validated, not run yet.
 */
export function agentFromSpec(v: AgentSpecVersion): Agent<'custom'> {
  const spec = v.spec;
  return {
    name: spec.name,
    role: spec.kind,
    phase: spec.phase as PhaseName,
    produces: 'custom',
    async run(ctx) {
      const done = (r: CustomAgentResult) => ({ ...ctx.state.custom, [spec.name]: r });
      const phase = spec.phase;
      if (!spec.commands) {
        ctx.bus.publish({
          kind: 'warning',
          phase,
          message: `${spec.name} is a prompt agent: prompt agents are stored but not run yet, so it was skipped`,
        });
        return done({
          version: v.version,
          status: 'skipped',
          reason: 'prompt agents are not run yet',
          commands: [],
        });
      }
      const repoPath = ctx.state.workspace?.repoPath;
      const services = ctx.state.plan?.services ?? [];
      const service = spec.service ? services.find((s) => s.name === spec.service) : services[0];
      if (!repoPath || !service)
        throw new RepoRunnerError(
          'AGENT_FAILED',
          spec.service
            ? `custom agent ${spec.name} names service ${spec.service}, which this run does not have (${services.map((s) => s.name).join(', ') || 'none'})`
            : `custom agent ${spec.name} needs a service and this run has none`,
          `change its spec (repo-runner admin-agent create-agent --spec FILE --replace) or disable it`,
        );
      const running = ctx.state.services?.find((s) => s.name === service.name);
      const extra: Record<string, string> = {
        ...appEnvFor(ctx.state, service.name),
        ...stateEnv(ctx, phase, spec.reads),
        REPO_RUNNER_RUN_ID: ctx.runId,
        REPO_RUNNER_AGENT: spec.name,
      };
      if (running?.port) {
        extra.PORT = String(running.port);
        extra.REPO_RUNNER_SERVICE_URL = `http://127.0.0.1:${running.port}`;
      }
      const env = serviceEnv(toolEnv(ctx), repoPath, service, extra);
      const log = logFile(ctx.runDir, `agent-${spec.name}`);
      const deadline = Date.now() + spec.timeoutMs;
      const results: CustomAgentResult['commands'] = [];
      for (const [i, c] of spec.commands.entries()) {
        const cwd = c.cwd ?? service.root;
        const refused = vetArgv(repoPath, path.resolve(repoPath, cwd), c.argv);
        if (refused)
          throw new RepoRunnerError(
            'AGENT_FAILED',
            `custom agent ${spec.name}, command ${i + 1} refused: ${refused}`,
            'commands run toolchain programs or files inside the repository',
          );
        const left = deadline - Date.now();
        if (left <= 0)
          throw new RepoRunnerError(
            'AGENT_FAILED',
            `custom agent ${spec.name} ran out of its ${spec.timeoutMs} ms before command ${i + 1}`,
            'raise its timeoutMs, or make its commands faster',
          );
        const t0 = Date.now();
        const result = await runStep(
          ctx,
          {
            argv: c.argv,
            cwd,
            env: c.env ?? {},
            description: `${spec.name} step ${i + 1}`,
            optional: c.optional,
          },
          repoPath,
          {
            phase,
            service: service.name,
            kind: 'agent',
            logFile: log,
            env,
            timeoutMs: Math.min(left, c.timeoutMs ?? spec.timeoutMs),
          },
          {
            code: 'AGENT_FAILED',
            hint: `read ${log}; fix the agent's spec or disable it (repo-runner admin-agent disable-agent ${spec.name}), then \`repo-runner resume ${ctx.runId}\``,
          },
        );
        results.push({ argv: c.argv, exitCode: result.exitCode, durationMs: Date.now() - t0 });
      }
      return done({ version: v.version, status: 'done', commands: results });
    },
  };
}
