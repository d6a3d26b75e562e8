import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { logFile } from '../model/paths.js';
import type { RunState } from '../model/run-state.js';
import { appEnvFor, serviceEnv } from '../exec/service-env.js';
import { runStep } from '../exec/run-step.js';
import type { Agent } from './agent.js';

/** Repo Runner's own folder in a repository, for build output that has no conventional place. */
export const REPO_RUNNER_DIR = '.repo-runner';

/**
 * SetupAgent: runs each service's build steps (e.g. `npm run build`) in order, in the
 * service's isolated environment.
 *
 * @throws StepFailedError BUILD_FAILED with the log tail when a step fails, TOOLCHAIN_MISSING
 *   when its program is not installed; both carry the ProcessResult.
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
      const env = serviceEnv(
        ctx.env,
        workspace.repoPath,
        service,
        appEnvFor(ctx.state, service.name),
      );
      if (service.build.some((b) => b.argv.some((a) => a.includes(`${REPO_RUNNER_DIR}/`)))) {
        // Build output of ours in the repo (e.g. Go binaries): keep it out of the user's git.
        const dir = path.join(workspace.repoPath, REPO_RUNNER_DIR);
        mkdirSync(dir, { recursive: true });
        if (!existsSync(path.join(dir, '.gitignore')))
          writeFileSync(path.join(dir, '.gitignore'), '*\n');
      }
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
