import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import pc from 'picocolors';
import type { AgentSpecVersion } from '../../model/agent-spec.js';
import { RepoRunnerError } from '../../model/errors.js';
import type { Session } from '../session.js';

/** The spec operations and the store, loaded only when an admin-agent command runs. */
const ops = () => import('../../admin/agent-specs.js');
const withSession = async <T>(fn: (s: Session) => Promise<T>): Promise<T> =>
  (await import('../session.js')).withSession(fn);

/** Largest spec file read, bytes (the same as `MAX_SPEC_BYTES` of admin/agent-specs.ts). */
const MAX_SPEC_FILE_BYTES = 256 * 1024;

type Flags = { json?: boolean };

/** One version as a line: name, version, on/off, where it runs, what changed. */
function line(v: AgentSpecVersion): string {
  const where = `${v.spec.position} ${v.spec.phase}`;
  const what = v.spec.commands ? `${v.spec.commands.length} command(s)` : 'prompt';
  const state = v.enabled ? pc.green('enabled') : pc.yellow('disabled');
  const from = v.fromVersion ? ` from v${v.fromVersion}` : '';
  return `${pc.bold(v.name)} v${v.version} ${state}  ${where}, ${what}  ${pc.dim(`${v.change}${from} ${v.createdAt}${v.createdBy ? ` by ${v.createdBy}` : ''}`)}`;
}

function print(json: boolean | undefined, value: unknown, text: string): number {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
  return 0;
}

/** The spec file's text, refusing what is not a readable regular file of sane size. */
function readSpecFile(file: string): string {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile())
    throw new RepoRunnerError(
      'BAD_INPUT',
      `${file} is not a file`,
      'give the path of a YAML or JSON spec',
    );
  if (st.size > MAX_SPEC_FILE_BYTES)
    throw new RepoRunnerError('BAD_INPUT', `${file} is over ${MAX_SPEC_FILE_BYTES} bytes`);
  return readFileSync(file, 'utf8');
}

/**
 * `repo-runner admin-agent …`: the Admin Agent's agent specs on this machine's store (the
 * local CLI is the machine's developer). Registered by `main.ts`; each action sets the exit
 * code through `exit`.
 */
export function registerAdminAgent(
  program: Command,
  exit: (code: number, json?: boolean) => void,
): void {
  const admin = program
    .command('admin-agent')
    .description(
      'the Admin Agent (developer only): custom agents from specs that run in every next run',
    );
  admin
    .command('create-agent')
    .description('create a custom agent from a YAML or JSON spec (docs/admin-agent.md)')
    .requiredOption('--spec <file>', 'the spec file')
    .option('--replace', 'save it as a new version of an existing agent of that name')
    .option('--json', 'print JSON')
    .action(async (flags: Flags & { spec: string; replace?: boolean }) => {
      const { parseAgentSpec, createAgent } = await ops();
      const spec = parseAgentSpec(readSpecFile(flags.spec), flags.spec);
      const code = await withSession(async ({ store, home }) => {
        const v = await createAgent(store, { user: null, home }, spec, Boolean(flags.replace));
        return print(flags.json, v, `${v.change === 'create' ? 'created' : 'updated'} ${line(v)}`);
      });
      exit(code, flags.json);
    });
  admin
    .command('list-agents')
    .description('every custom agent, its latest version')
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => {
      const code = await withSession(async ({ store }) => {
        const all = await store.latestAgentSpecs();
        const text =
          all.length === 0
            ? 'no custom agents yet (admin-agent create-agent --spec FILE)'
            : all.map(line).join('\n');
        return print(flags.json, all, text);
      });
      exit(code, flags.json);
    });
  admin
    .command('show-agent')
    .argument('<name>')
    .description("an agent's versions, oldest first, and its latest spec")
    .option('--json', 'print JSON')
    .action(async (name: string, flags: Flags) => {
      const code = await withSession(async ({ store }) => {
        const versions = await (await ops()).agentHistory(store, name);
        const text = `${versions.map(line).join('\n')}\n${JSON.stringify(versions.at(-1)!.spec, null, 2)}`;
        return print(flags.json, versions, text);
      });
      exit(code, flags.json);
    });
  for (const [command, enabled] of [
    ['disable-agent', false],
    ['enable-agent', true],
  ] as const)
    admin
      .command(command)
      .argument('<name>')
      .description(
        `${enabled ? 'enable' : 'disable'} an agent from the next run on (a new version)`,
      )
      .option('--json', 'print JSON')
      .action(async (name: string, flags: Flags) => {
        const code = await withSession(async ({ store, home }) =>
          print(
            flags.json,
            ...((v) => [v, line(v)] as const)(
              await (await ops()).setAgentEnabled(store, { user: null, home }, name, enabled),
            ),
          ),
        );
        exit(code, flags.json);
      });
  admin
    .command('intervene')
    .description(
      'take up a run that failed: resume it by the intervention policy (fixes on, longer timeouts, resume) until healthy, else escalate',
    )
    .option('--run <id>', 'the run')
    .option('--orchestrator <name>', 'every run of this business orchestrator that did not come up')
    .option(
      '--policy <file>',
      'a JSON intervention policy (docs/admin-agent.md); default: the built-in one',
    )
    .option('--json', 'print JSON')
    .option('-v, --verbose', 'print every event instead of the task list')
    .action(
      async (
        flags: Flags & { run?: string; orchestrator?: string; policy?: string; verbose?: boolean },
      ) => {
        const { interveneCommand, interveneOrchestratorCommand } = await import('./intervene.js');
        if (Boolean(flags.run) === Boolean(flags.orchestrator))
          throw new RepoRunnerError(
            'BAD_INPUT',
            'give one of --run ID or --orchestrator NAME',
            'see repo-runner admin-agent intervene --help',
          );
        exit(
          flags.run
            ? await interveneCommand({ ...flags, run: flags.run })
            : await interveneOrchestratorCommand({ ...flags, orchestrator: flags.orchestrator! }),
          flags.json,
        );
      },
    );
  admin
    .command('watch')
    .description(
      'the watchdog: intervene in runs that fail, lose their process or stall; adopt orphaned ones',
    )
    .option('--once', 'one pass, then exit')
    .option('--interval <s>', 'seconds between passes', '30')
    .option('--stall-after <s>', 'a phase running longer than this is stalled (default 1800)')
    .option('--policy <file>', 'a JSON intervention policy; default: the built-in one')
    .option('--all', 'also take up runs that failed before the watchdog started')
    .option('--json', 'one JSON line per action')
    .action(
      async (flags: {
        once?: boolean;
        interval?: string;
        stallAfter?: string;
        policy?: string;
        all?: boolean;
        json?: boolean;
      }) => {
        const { watchCommand } = await import('./watch.js');
        exit(await watchCommand(flags), flags.json);
      },
    );
  admin
    .command('create-business-orchestrator')
    .description(
      "create a business orchestrator: a named client's policies for the runs started through it",
    )
    .requiredOption('--business-name <name>', 'its name: 2–40 of a-z, 0-9, _ and -')
    .option('--profile <file>', 'its policies, YAML or JSON (docs/admin-agent.md); default: none')
    .option('--json', 'print JSON')
    .action(async (flags: Flags & { businessName: string; profile?: string }) => {
      const { validateProfile, createBusinessOrchestrator } =
        await import('../../admin/orchestrators.js');
      let raw: unknown = {};
      if (flags.profile) {
        const { parse } = await import('yaml');
        try {
          raw = parse(readSpecFile(flags.profile));
        } catch (err) {
          if (err instanceof RepoRunnerError) throw err;
          throw new RepoRunnerError(
            'BAD_INPUT',
            `${flags.profile} is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`,
          );
        }
      }
      const profile = validateProfile(raw, flags.profile);
      const code = await withSession(async ({ store, home }) => {
        const o = await createBusinessOrchestrator(
          store,
          { user: null, home },
          flags.businessName,
          profile,
        );
        return print(
          flags.json,
          o,
          `created business orchestrator ${pc.bold(o.name)} ${pc.dim(JSON.stringify(o.profile))}`,
        );
      });
      exit(code, flags.json);
    });
  admin
    .command('list-orchestrators')
    .description('every business orchestrator and its policies')
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => {
      const code = await withSession(async ({ store }) => {
        const all = await store.listOrchestrators();
        const text =
          all.length === 0
            ? 'no business orchestrators yet (admin-agent create-business-orchestrator --business-name NAME)'
            : all.map((o) => `${pc.bold(o.name)}  ${pc.dim(JSON.stringify(o.profile))}`).join('\n');
        return print(flags.json, all, text);
      });
      exit(code, flags.json);
    });
  admin
    .command('status')
    .description(
      "the Admin Agent at a glance: agents, orchestrators, the run feed's last day, the last interventions",
    )
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => {
      const { adminAgentStatus } = await import('./admin-agent-status.js');
      exit(await withSession(async (s) => adminAgentStatus(s, flags.json ?? false)), flags.json);
    });
  admin
    .command('rollback-agent')
    .argument('<name>')
    .description("save an earlier version's spec and on/off state as the newest version")
    .requiredOption('--to-version <n>', 'the version to go back to')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: Flags & { toVersion: string }) => {
      const version = Number(flags.toVersion);
      if (!Number.isInteger(version) || version < 1)
        throw new RepoRunnerError(
          'BAD_INPUT',
          `--to-version wants a version number; got ${flags.toVersion}`,
        );
      const code = await withSession(async ({ store, home }) =>
        print(
          flags.json,
          ...((v) => [v, `rolled back: ${line(v)}`] as const)(
            await (await ops()).rollbackAgent(store, { user: null, home }, name, version),
          ),
        ),
      );
      exit(code, flags.json);
    });
}
