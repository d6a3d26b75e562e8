import { UnrecoverableError } from '../model/errors.js';
import type { RunPlan } from '../model/plan.js';
import { LOOKED_FOR } from '../providers/markers.js';
import { RepoView } from '../repo/repo-view.js';
import type { Agent } from './agent.js';
import { planRepository } from './repo-overrides.js';

/**
 * DetectionAgent: runs every provider of the registry over a read-only view of the
 * workspace and returns the RunPlan. It never runs the repo's code.
 *
 * @throws UnrecoverableError NOTHING_TO_RUN when no provider finds a service, naming the
 *   files it looked for and what it did find.
 */
export const detectionAgent = {
  name: 'DetectionAgent',
  phase: 'detect',
  produces: 'plan',
  async run(ctx): Promise<RunPlan> {
    const repoPath = ctx.state.workspace?.repoPath;
    if (!repoPath) throw new Error('detect ran before fetch');
    const plan = await planRepository(new RepoView(repoPath), ctx.options.overrides);
    for (const warning of plan.warnings)
      ctx.bus.publish({ kind: 'warning', phase: 'detect', message: warning });
    if (plan.services.length === 0) {
      const why = plan.warnings.length > 0 ? ` (${plan.warnings.join('; ')})` : '';
      throw new UnrecoverableError(
        'NOTHING_TO_RUN',
        `nothing to run in ${repoPath}: looked for ${LOOKED_FOR.join(', ')}${why}`,
        'point Repo Runner at the folder that holds the app, or say how to start it: `--start "<command>"` or a repo-runner.json',
      );
    }
    for (const s of plan.services) {
      ctx.bus.publish({
        kind: 'info',
        phase: 'detect',
        service: s.name,
        message: `${s.provider}${s.framework ? `/${s.framework}` : ''}: ${s.start.argv.join(' ')}`,
      });
    }
    return plan;
  },
} satisfies Agent<'plan'>;
