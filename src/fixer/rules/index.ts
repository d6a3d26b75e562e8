import { buildOutputMissing } from './build.js';
import { databaseConnectionRefused, migrationNeeded } from './database.js';
import { envVarMissing } from './env.js';
import { diskQuota, oomKilled, pidsLimit } from './limits.js';
import { lockfileOutOfSync } from './lockfile.js';
import { networkUnreachable } from './network.js';
import { nodeEngineMismatch, nodeSyntaxTooNew } from './node-version.js';
import { nodeDependencyConflict, nodeModuleMissing, nodeSyntaxError } from './node.js';
import {
  exitNotExecutable,
  exitNotFound,
  interrupted,
  killedOutOfMemory,
  neverBinds,
  spawnBuildOutput,
  spawnNotFound,
  spawnNotPermitted,
  timedOut,
} from './process.js';
import { pipNoMatchingDistribution, pipResolutionConflict } from './pip.js';
import {
  pythonDependencyDrift,
  pythonModuleMissing,
  pythonStdlibTooNew,
  pythonSyntaxError,
  pythonSyntaxTooNew,
  pythonVersionMismatch,
} from './python.js';
import { outOfMemory, portInUse, wrongHostBinding } from './runtime.js';
import {
  commandNotFound,
  diskFull,
  permissionDenied,
  systemLibraryMissing,
  watcherLimitReached,
} from './system.js';
import type { Rule } from './types.js';

/**
 * Every rule, in one array. Stages run in order (`result`, then `line` rules on each line
 * from the last, then `fallback`); within a stage the first rule to match wins, so on one
 * line a more specific rule sits before a more general one:
 * - a run limit hit (a cgroup field) before SIGKILL, which alone reads as out-of-memory;
 * - watcher limit before disk-full (both are ENOSPC);
 * - system library before python module (psycopg's "No module named 'psycopg_c'" beside
 *   "libpq library not found") and before command-not-found (pg_config);
 * - database before network (`could not translate host name "db"`, `ENOTFOUND db`);
 * - build output before node module and command-not-found (`Cannot find module
 *   './dist/x.js'`, `sh: 1: ./target/app: not found`);
 * - version mismatches before module-missing and syntax errors (`tomllib`, `node:fs`,
 *   `??=`, a SyntaxError inside site-packages or node_modules);
 * - syntax errors in the app last: their triggers are the most generic.
 */
export const RULES: readonly Rule[] = [
  interrupted,
  oomKilled,
  pidsLimit,
  diskQuota,
  spawnBuildOutput,
  spawnNotFound,
  spawnNotPermitted,
  killedOutOfMemory,

  watcherLimitReached,
  diskFull,
  outOfMemory,
  systemLibraryMissing,
  databaseConnectionRefused,
  migrationNeeded,
  buildOutputMissing,
  pythonStdlibTooNew,
  pythonVersionMismatch,
  pythonSyntaxTooNew,
  pythonDependencyDrift,
  pythonModuleMissing,
  nodeEngineMismatch,
  nodeSyntaxTooNew,
  nodeModuleMissing,
  envVarMissing,
  lockfileOutOfSync,
  nodeDependencyConflict,
  pipResolutionConflict,
  pipNoMatchingDistribution,
  portInUse,
  permissionDenied,
  commandNotFound,
  networkUnreachable,
  wrongHostBinding,
  pythonSyntaxError,
  nodeSyntaxError,

  timedOut,
  exitNotFound,
  exitNotExecutable,
  neverBinds,
];
