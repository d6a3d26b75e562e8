import path from 'node:path';
import type { EnvFacts } from '../model/env-facts.js';
import { detectEnv } from '../env/detect-env.js';
import { ensureSandbox } from '../exec/ensure-sandbox.js';
import type { Agent } from './agent.js';

/**
 * EnvDetectorAgent: host facts (environment kind, OS, CPUs, memory, GPUs, toolchains on
 * PATH with versions) from passive signals only: it sends no network traffic. It also makes
 * sure the run's sandbox can be had (bubblewrap, installed when root), before any of the
 * repository's code runs.
 *
 * @throws RepoRunnerError TOOLCHAIN_MISSING when bubblewrap is missing and cannot be installed.
 */
export const envDetectorAgent = {
  name: 'EnvDetectorAgent',
  phase: 'env',
  produces: 'env',
  async run(ctx): Promise<EnvFacts> {
    await ensureSandbox(ctx.options.sandbox, ctx.signal);
    if (ctx.options.sandbox === 'none')
      ctx.bus.publish({
        kind: 'warning',
        phase: 'env',
        message: "no sandbox (--no-sandbox): the repository's code runs as you, with your files",
      });
    const { facts, warnings } = await detectEnv({
      env: ctx.env,
      signal: ctx.signal,
      versionCacheFile: path.join(ctx.home, 'cache', 'toolchain-versions.json'),
    });
    for (const w of warnings) ctx.bus.publish({ kind: 'warning', phase: 'env', message: w });
    const tools = facts.toolchains.map((t) => `${t.name} ${t.version ?? '?'}`).join(', ');
    ctx.bus.publish({
      kind: 'info',
      phase: 'env',
      message: `${facts.environment}, ${facts.os.distro ?? facts.os.platform}, ${facts.cpus} CPUs; ${tools}`,
    });
    return facts;
  },
} satisfies Agent<'env'>;
