import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { logFile } from '../model/paths.js';
import type { RunContext } from '../model/run-context.js';
import type { RunState } from '../model/run-state.js';
import { appEnvFor, serviceEnv } from '../exec/service-env.js';
import { toolEnv } from '../env/tool-env.js';
import { runStep } from '../exec/run-step.js';
import { PathEscapeError, resolveInside } from '../repo/resolve-inside.js';
import { giveToRun } from '../exec/sandbox-user.js';
import type { Agent } from './agent.js';
import { prepareBuildDatabase } from './build-database.js';

/** Repo Runner's own folder in a repository, for build output that has no conventional place. */
export const REPO_RUNNER_DIR = '.repo-runner';

/**
 * SetupAgent: runs each service's build steps (e.g. `npm run build`) in order, in the
 * service's isolated environment.
 *
 * @throws StepFailedError BUILD_FAILED with the log tail when a step fails, TOOLCHAIN_MISSING
 *   when its program is not installed; both carry the ProcessResult. PathEscapeError when
 *   the repository's `.repo-runner` (or its `.gitignore`) links out of it.
 */
export const setupAgent = {
  name: 'SetupAgent',
  phase: 'build',
  produces: 'builds',
  async run(ctx): Promise<NonNullable<RunState['builds']>> {
    const { plan, workspace } = ctx.state;
    if (!plan || !workspace) throw new Error('build ran before detect');
    const builds: NonNullable<RunState['builds']> = [];
    for (const service of plan.services) {
      const started = Date.now();
      if (service.build.length === 0) {
        builds.push({ service: service.name, status: 'none', durationMs: 0 });
        continue;
      }
      const log = logFile(ctx.runDir, `build-${service.name}`);
      const env = {
        ...serviceEnv(
          toolEnv(ctx),
          workspace.repoPath,
          service,
          appEnvFor(ctx.state, service.name),
        ),
        ...(await prepareBuildDatabase(ctx, workspace.repoPath, service, log)),
      };
      if (service.build.some((b) => b.argv.some((a) => a.includes(`${REPO_RUNNER_DIR}/`))))
        ownDir(ctx, workspace.repoPath, service.name);
      for (const step of service.build)
        await runStep(
          ctx,
          step,
          workspace.repoPath,
          {
            phase: 'build',
            service: service.name,
            kind: 'build',
            logFile: log,
            env,
            timeoutMs: ctx.options.commandTimeoutMs,
          },
          {
            code: 'BUILD_FAILED',
            hint: `read ${log}; fix the build, then \`repo-runner resume ${ctx.runId}\``,
            missingProgramIsToolchain: true,
          },
        );
      builds.push({ service: service.name, status: 'built', durationMs: Date.now() - started });
    }
    return builds;
  },
} satisfies Agent<'builds'>;

/**
 * Makes `.repo-runner/` (build output of ours, e.g. Go binaries) with a `.gitignore` that
 * keeps it out of the user's git. A committed `.repo-runner` symlink would make the build
 * write into another folder: refused, with a warning naming it, before anything is written.
 *
 * @throws PathEscapeError when `.repo-runner` or its `.gitignore` leads out of the repository.
 */
function ownDir(ctx: RunContext, repoPath: string, service: string): void {
  try {
    const dir = resolveInside(repoPath, REPO_RUNNER_DIR);
    mkdirSync(dir, { recursive: true });
    giveToRun(dir, ctx.isolation?.uid ?? null, false);
    const ignore = resolveInside(repoPath, `${REPO_RUNNER_DIR}/.gitignore`);
    if (!existsSync(ignore)) writeFileSync(ignore, '*\n', { flag: 'wx' });
  } catch (err) {
    if (err instanceof PathEscapeError)
      ctx.bus.publish({ kind: 'warning', phase: 'build', service, message: err.message });
    throw err;
  }
}
