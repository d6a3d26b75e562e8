import { Command } from 'commander';
import pc from 'picocolors';
import { toRepoRunnerError } from '../model/errors.js';
import { registerAdminAgent } from './commands/admin-agent.js';
import { overrideFlags } from './override-flags.js';
import { fromSeedsSpelling } from './seeds-aliases.js';

// Commands are imported when they run, so `--help` or `status` do not load what `run` needs.
const program = new Command('repo-runner')
  .description(
    'Bring a repository (a local path or a git URL) to a running, healthy state on this machine.',
  )
  .version('0.1.0')
  .showHelpAfterError();

/** `--server URL` (or `REPO_RUNNER_SERVER`): the command uses that server's API, not the local store. */
const serverFlag = (cmd: Command) =>
  cmd.option('--server <url>', 'use a Repo Runner server (see `login`); or set REPO_RUNNER_SERVER');
const serverOf = async (flags: { server?: string }) =>
  (await import('./remote-session.js')).serverOf(flags);
const remote = () => import('./commands/remote.js');

const runFlags = (cmd: Command) =>
  cmd
    .option('-d, --detach', 'leave the services running under a supervisor and return')
    .option('--json', 'print the report as JSON (no task list)')
    .option('-v, --verbose', 'print every event instead of the task list');

overrideFlags(
  runFlags(
    serverFlag(
      program.command('run').argument('<source>', 'a local path or a git URL (https, ssh, file)'),
    ),
  ),
)
  .description('detect, install, build, start and health-check every service of a repository')
  .option('--host <host>', 'interface services bind to', '127.0.0.1')
  .option('--health-timeout <seconds>', 'readiness timeout per service', '120')
  .option('--force-install', 'install dependencies even when the manifests are unchanged')
  .option('--keep-data', "keep databases' data between runs of this repository")
  .option('--no-fix', 'do not try fixes when a phase fails (report the classified cause)')
  .option('--no-index', "do not build the repository's context index")
  .option(
    '--orchestrator <name>',
    'run it through a business orchestrator: its policies and custom agents (docs/admin-agent.md)',
  )
  .option(
    '--index-backend <name>',
    "the context index's backend: text, faiss or chroma (within your tier; default: the tier's)",
  )
  .option('--allow-system-packages', 'let fixes apt-get install missing system libraries (root)')
  .option('--no-sandbox', "run the repository's code unconfined, as you (see docs/security.md)")
  .option(
    '--network <mode>',
    "`run`: the run's own network namespace, its ports published on 127.0.0.1 (default, as root); `host`: this machine's network",
    'run',
  )
  .action(async (source: string, flags) => {
    const server = await serverOf(flags);
    const code = server
      ? await (await import('./commands/remote-run.js')).remoteRunCommand(server, source, flags)
      : await (await import('./commands/run.js')).runCommand(flags, { source });
    exit(code, flags.json);
  });

runFlags(program.command('resume').argument('<run-id>'))
  .description('continue a run at its first unfinished phase')
  .action(async (runId: string, flags) =>
    exit(await (await import('./commands/run.js')).runCommand(flags, { runId }), flags.json),
  );

serverFlag(program.command('status'))
  .argument('[run-id]')
  .description('list runs, or show one run with its services checked now')
  .option('--json', 'print JSON')
  .option('--limit <n>', 'how many runs to list', '20')
  .action(async (runId: string | undefined, flags) => {
    const server = await serverOf(flags);
    const code = server
      ? await (await remote()).remoteStatusCommand(server, runId, flags)
      : await (await import('./commands/status.js')).statusCommand(runId, flags);
    exit(code, flags.json);
  });

serverFlag(program.command('logs'))
  .argument('<run-id>')
  .argument('[service]', 'a service name, or install-<service> / build-<service>')
  .description("print a run's logs")
  .option('-f, --follow', 'keep printing new lines until Ctrl-C')
  .action(async (runId: string, service: string | undefined, flags) => {
    const server = await serverOf(flags);
    exit(
      server
        ? await (await remote()).remoteLogsCommand(server, runId, service, flags)
        : await (await import('./commands/logs.js')).logsCommand(runId, service, flags),
    );
  });

serverFlag(program.command('stop'))
  .argument('<run-id>')
  .description('stop every process of a run and free its ports')
  .option('--json', 'print JSON')
  .action(async (runId: string, flags) => {
    const server = await serverOf(flags);
    const code = server
      ? await (await remote()).remoteStopCommand(server, runId, flags)
      : await (await import('./commands/stop.js')).stopCommand(runId, flags);
    exit(code, flags.json);
  });

overrideFlags(serverFlag(program.command('plan')))
  .argument('<path>')
  .description('detect and plan only: print how the repository would be run, run nothing')
  .option('--json', 'print the RunPlan as JSON')
  .action(async (source: string, flags) => {
    const server = await serverOf(flags);
    const code = server
      ? await (await remote()).remotePlanCommand(server, source, flags)
      : await (await import('./commands/plan.js')).planCommand(source, flags);
    exit(code, flags.json);
  });

program
  .command('fixes')
  .description(
    'list the fix memory: which fix answered which error signature, and how often it worked',
  )
  .option('--repo <path-or-url>', "only this repository's fixes (without it: every scope)")
  .option('--limit <n>', 'how many to list', '200')
  .option('--json', 'print JSON')
  .action(async (flags) =>
    exit(await (await import('./commands/fixes.js')).fixesCommand(flags), flags.json),
  );

registerAdminAgent(program, exit);

program
  .command('serve')
  .description('serve the REST API (/api/v1, docs at /docs) until Ctrl-C')
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--port <n>', 'port to listen on (0: any free port)', '7878')
  .option(
    '--repos-root <dir>',
    'a directory local sources may be inside (repeatable; or REPO_RUNNER_REPOS_ROOTS)',
    (value: string, previous: string[] = []) => [...previous, value],
  )
  .option('--concurrency <n>', 'runs executed at once', '2')
  .option('--log', 'log every request (JSON lines on stdout)')
  .option(
    '--unsafe-no-sandbox',
    "run users' repositories without the sandbox, as this server's user (never on a shared server)",
  )
  .action(async (flags) => exit(await (await import('./commands/serve.js')).serveCommand(flags)));

const account = () => import('./commands/account.js');
const accountFlags = (cmd: Command) =>
  cmd.option('--server <url>', 'the server (or REPO_RUNNER_SERVER)').option('--json', 'print JSON');
accountFlags(program.command('login'))
  .description('log in to a server; the token is kept in ~/.config/repo-runner/credentials')
  .option('--username <name>', 'your username (asked when omitted)')
  .action(async (flags) => exit(await (await account()).loginCommand(flags, 'login'), flags.json));
accountFlags(program.command('register'))
  .description('create an account on a server and log in')
  .option('--username <name>', 'the username (asked when omitted)')
  .action(async (flags) =>
    exit(await (await account()).loginCommand(flags, 'register'), flags.json),
  );
accountFlags(program.command('logout'))
  .description("revoke this machine's token for a server and forget it")
  .action(async (flags) => exit(await (await account()).logoutCommand(flags), flags.json));
accountFlags(program.command('whoami'))
  .description('who you are on a server: user, tier, usage')
  .action(async (flags) => exit(await (await account()).whoamiCommand(flags), flags.json));

program
  .command('tiers')
  .description('print the tiers (limits, index, GPU, support) and what each may do')
  .option('--json', 'print JSON')
  .action(async (flags) =>
    exit(await (await import('./commands/tiers.js')).tiersCommand(flags), flags.json),
  );

const contextIndex = () => import('./commands/context-index.js');
serverFlag(program.command('index'))
  .argument(
    '<path|run-id>',
    'a folder, or a run whose repository to index (a run id with --server)',
  )
  .description("build or update a repository's context index (text, FAISS or Chroma by tier)")
  .option('--backend <name>', "text, faiss or chroma (within your tier; default: the tier's)")
  .option('--json', 'print the index state as JSON')
  .action(async (target: string, flags) =>
    exit(await (await contextIndex()).indexCommand(target, flags), flags.json),
  );

serverFlag(program.command('search'))
  .argument('<path|run-id>', 'a folder, or a run, whose index to search')
  .argument('<query>', 'what to look for, in words or identifiers')
  .description("search a repository's context index: path, lines, score and snippet")
  .option('--backend <name>', 'text (words only), or the vector backend the index was built with')
  .option('--mode <mode>', 'text, vector or hybrid (default: hybrid on a vector index)')
  .option('--limit <n>', 'how many results (1-100)', '10')
  .option('--json', 'print JSON')
  .action(async (target: string, query: string, flags) =>
    exit(await (await contextIndex()).searchCommand(target, query, flags), flags.json),
  );

program.addCommand(
  new Command('__index')
    .argument('<job-file>')
    .action(async (file: string) => exit(await (await contextIndex()).internalIndexCommand(file))),
  { hidden: true },
);

program.addCommand(
  new Command('__supervise')
    .argument('<run-id>')
    .action(async (runId: string) =>
      exit(await (await import('./commands/supervise.js')).superviseCommand(runId)),
    ),
  { hidden: true },
);

let jsonErrors = false;
function exit(code: number, json?: boolean): void {
  jsonErrors = Boolean(json);
  process.exitCode = code;
}

program.hook('preAction', (_this, action) => {
  jsonErrors = Boolean(action.opts().json);
});

try {
  const seeds = fromSeedsSpelling(process.argv.slice(2));
  if (seeds.note) process.stderr.write(`${pc.dim(seeds.note)}\n`);
  await program.parseAsync(seeds.argv, { from: 'user' });
} catch (err) {
  const e = toRepoRunnerError(err);
  if (jsonErrors) {
    process.stdout.write(
      `${JSON.stringify({ error: { code: e.code, message: e.message, hint: e.hint } })}\n`,
    );
  } else {
    process.stderr.write(`${pc.red('error')}: ${e.message}\n`);
    if (e.hint) process.stderr.write(`${pc.cyan('next')}: ${e.hint}\n`);
    if (e.code === 'INTERNAL' && e.stack) process.stderr.write(`${pc.dim(e.stack)}\n`);
  }
  process.exitCode = e.exitCode;
}
