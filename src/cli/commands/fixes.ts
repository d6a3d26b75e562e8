import { existsSync } from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import { agentMemoryManager } from '../../managers/agent-memory-manager.js';
import { withSession } from '../session.js';

/**
 * `repo-runner fixes [--repo <path|url>] [--json]`: the fix memory, newest first: for each
 * error signature, the action that answered it, in which scope (a repository or `global`),
 * and how often it worked and failed.
 */
export async function fixesCommand(flags: {
  repo?: string;
  json?: boolean;
  limit?: string;
}): Promise<number> {
  const repoKey = flags.repo && existsSync(flags.repo) ? path.resolve(flags.repo) : flags.repo;
  return withSession(async ({ store }) => {
    const fixes = await agentMemoryManager.list(store, {
      ...(repoKey ? { repoKey } : {}),
      limit: Number(flags.limit ?? 200),
    });
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(fixes, null, 2)}\n`);
      return 0;
    }
    if (fixes.length === 0) {
      process.stdout.write(
        repoKey ? `no fixes remembered for ${repoKey}\n` : 'no fixes remembered yet\n',
      );
      return 0;
    }
    for (const f of fixes) {
      const { kind, ...rest } = f.action as { kind: string } & Record<string, unknown>;
      process.stdout.write(
        `${pc.bold(f.signatureKey)}  ${kind} ${JSON.stringify(rest)}\n  ${pc.dim(`${f.scope}: worked ${f.successes}, failed ${f.failures}, last ${f.updatedAt}`)}\n`,
      );
    }
    return 0;
  });
}
