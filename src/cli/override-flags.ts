import type { Command } from 'commander';
import { RepoRunnerError } from '../model/errors.js';
import { ServiceOverrideSchema, describeIssues } from '../model/overrides.js';
import type { CliOverrides } from '../agents/repo-overrides.js';

/** Adds the override flags shared by `run` and `plan`. */
export function overrideFlags(cmd: Command): Command {
  return cmd
    .option('--service <name>', 'the service the flags below apply to (default: every service)')
    .option('--start <command>', 'start command (a shell line)')
    .option('--install <command>', 'install command (a shell line)')
    .option('--build <command>', 'build command (a shell line)')
    .option('--port <port>', 'port to give the service when free')
    .option(
      '--env <KEY=VALUE>',
      'environment for the service (repeatable)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--health-path <path>', 'HTTP path of the readiness check');
}

/** Raw flag values as commander hands them over. */
export interface OverrideFlagValues {
  service?: string;
  start?: string;
  install?: string;
  build?: string;
  port?: string;
  env?: string[];
  healthPath?: string;
}

/**
 * The override flags as validated overrides, or undefined when none was given.
 *
 * @throws RepoRunnerError BAD_INPUT naming the flag and what is wrong with it.
 */
export function overridesFromFlags(f: OverrideFlagValues): CliOverrides | undefined {
  const env: Record<string, string> = {};
  for (const pair of f.env ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new RepoRunnerError(
        'BAD_INPUT',
        `--env ${pair}: expected KEY=VALUE`,
        'e.g. --env DEBUG=1',
      );
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const raw = {
    ...(f.start !== undefined ? { start: f.start } : {}),
    ...(f.install !== undefined ? { install: f.install } : {}),
    ...(f.build !== undefined ? { build: f.build } : {}),
    ...(f.port !== undefined ? { port: Number(f.port) } : {}),
    ...(f.env !== undefined ? { env } : {}),
    ...(f.healthPath !== undefined ? { health_path: f.healthPath } : {}),
  };
  if (Object.keys(raw).length === 0) return undefined;
  const parsed = ServiceOverrideSchema.safeParse(raw);
  if (!parsed.success)
    throw new RepoRunnerError(
      'BAD_INPUT',
      `bad flag: ${describeIssues(parsed.error).replace('health_path', '--health-path')}`,
      'see `repo-runner run --help`',
    );
  return { ...parsed.data, ...(f.service !== undefined ? { service: f.service } : {}) };
}
