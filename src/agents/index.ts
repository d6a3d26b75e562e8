import type { Agent } from './agent.js';
import { configAgent } from './config-agent.js';
import { contextIndexer } from './context-indexer.js';
import { databaseAgent } from './database-agent.js';
import { dependencyAgent } from './dependency-agent.js';
import { detectionAgent } from './detection-agent.js';
import { envDetectorAgent } from './env-detector-agent.js';
import { fileAgent } from './file-agent.js';
import { fixerAgent } from './fixer-agent.js';
import { healthAgent } from './health-agent.js';
import { modelPlanner } from './model-planner.js';
import { orchestratorAgent } from './orchestrator-agent.js';
import { portsAndDatabasesPlanner } from './ports-and-databases-planner.js';
import { runnerAgent } from './runner-agent.js';
import { setupAgent } from './setup-agent.js';

/**
 * Every agent, in one array, in phase order; within a phase they run in this order. The
 * FixerAgent is called when a phase fails (`on: 'failure'`), the OrchestratorAgent at the end
 * of every run (`on: 'end'`); the pipeline reads nothing else. A custom agent is added by
 * putting it here, or into the array a caller hands to `executePipeline`.
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
  contextIndexer,
  setupAgent,
  runnerAgent,
  healthAgent,
  fixerAgent,
  orchestratorAgent,
] as Agent[];
