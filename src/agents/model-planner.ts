import type { RunContext } from '../model/run-context.js';
import type { ModelsDecided } from '../model/run-state.js';
import { loadModelConfigOrWarn } from '../llm/config.js';
import { modelManager } from '../managers/model-manager.js';
import type { Agent } from './agent.js';

/**
 * The plan phase's model decisions (ARCHITECTURE.md §1, "models chosen"): whether a model is
 * configured and, if so, the ModelManager's route for the agents that may call one (the
 * FixerAgent's generation requests). Written to `manager_state_ModelManager.json`. Without a
 * model, `{ configured: false }` and every agent works rules-only. A broken model
 * configuration is a warning, never a failed run.
 */
export const modelPlanner = {
  name: 'ModelManager',
  role: 'manager',
  phase: 'plan',
  produces: 'models',
  async run(ctx: RunContext): Promise<ModelsDecided> {
    const warn = (message: string) => ctx.bus.publish({ kind: 'warning', phase: 'plan', message });
    const config = loadModelConfigOrWarn(ctx.env, warn);
    if (!config) return { configured: false, decisions: [] };
    const fixer = modelManager.decide(config, {
      task: 'generation',
      agent: 'FixerAgent',
      prompt: 8000,
      complexity: 'medium',
    });
    ctx.bus.publish({
      kind: 'info',
      phase: 'plan',
      message: `models: FixerAgent → ${fixer.chain.map((c) => `${c.provider}/${c.model}`).join(', ') || `none (${fixer.reason})`}`,
    });
    return { configured: true, decisions: [fixer] };
  },
} satisfies Agent<'models'>;
