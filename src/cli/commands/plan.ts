import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { RepoRunnerError } from '../../model/errors.js';
import { planRepository } from '../../agents/repo-overrides.js';
import { overridesFromFlags, type OverrideFlagValues } from '../override-flags.js';
import { RepoView } from '../../repo/repo-view.js';

/** `repo-runner plan <path>`: detection and planning only; nothing is installed or run. */
export async function planCommand(
  source: string,
  flags: { json?: boolean } & OverrideFlagValues,
): Promise<number> {
  const abs = path.resolve(source);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new RepoRunnerError(
      'BAD_INPUT',
      `${abs} is not a directory`,
      'plan takes a local folder (clone a URL first, or use `repo-runner run <url>`)',
    );
  }
  const plan = await planRepository(new RepoView(abs), overridesFromFlags(flags));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
  } else {
    process.stdout.write(`ecosystems: ${plan.ecosystems.join(', ') || 'none'}\n`);
    for (const s of plan.services) {
      process.stdout.write(
        `service ${s.name} (${s.provider}${s.framework ? `/${s.framework}` : ''}, root ${s.root})\n`,
      );
      for (const step of s.install?.steps ?? [])
        process.stdout.write(`  install: ${step.argv.join(' ')}\n`);
      for (const step of s.build) process.stdout.write(`  build:   ${step.argv.join(' ')}\n`);
      process.stdout.write(`  start:   ${s.start.argv.join(' ')}\n`);
      if (s.protocol === 'none')
        process.stdout.write('  worker:  no port, healthy while it stays up\n');
      if (s.preferredPort !== undefined)
        process.stdout.write(`  port:    ${s.preferredPort} when free\n`);
      if (s.dependsOn?.length) process.stdout.write(`  after:   ${s.dependsOn.join(', ')}\n`);
      if (s.runtime)
        process.stdout.write(
          `  runtime: ${s.runtime.tool} ${s.runtime.wanted} (${s.runtime.source})\n`,
        );
      process.stdout.write(`  evidence: ${s.evidence.join('; ')}\n`);
    }
    for (const w of plan.warnings) process.stdout.write(`warning: ${w}\n`);
  }
  return plan.services.length > 0 ? 0 : 3;
}
