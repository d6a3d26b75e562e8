import type { PhaseName } from '../model/phases.js';
import type { Agent } from './agent.js';
import { configAgent } from './config-agent.js';
import { databaseAgent } from './database-agent.js';
import { dependencyAgent } from './dependency-agent.js';
import { detectionAgent } from './detection-agent.js';
import { envDetectorAgent } from './env-detector-agent.js';
import { fileAgent } from './file-agent.js';
import { healthAgent } from './health-agent.js';
import { modelPlanner } from './model-planner.js';
import { portsAndDatabasesPlanner } from './ports-and-databases-planner.js';
import { runnerAgent } from './runner-agent.js';
import { setupAgent } from './setup-agent.js';

/**
 * Every agent, in one array, in phase order; within a phase they run in this order. The
 * report phase is the OrchestratorAgent's (`buildReport`), which the pipeline always runs.
 */
export const AGENTS: readonly Agent[] = [
  envDetectorAgent,
  fileAgent,
  detectionAgent,
  portsAndDatabasesPlanner,
  modelPlanner,
  dependencyAgent,
  configAgent,
  databaseAgent,
  setupAgent,
  runnerAgent,
  healthAgent,
] as Agent[];

/** The agents of one phase, in registry order. */
export const agentsFor = (phase: PhaseName, agents: readonly Agent[] = AGENTS): Agent[] =>
  agents.filter((a) => a.phase === phase);
