import { Command } from 'commander';
import pc from 'picocolors';
import { toRepoRunnerError } from '../core/errors.js';
import { overrideFlags } from './override-flags.js';

// Commands are imported when they run, so `--help` or `status` do not load what `run` needs.
const program = new Command('repo-runner')
  .description(
    'Bring a repository (a local path or a git URL) to a running, healthy state on this machine.',
  )
  .version('0.1.0')
  .showHelpAfterError();

const runFlags = (cmd: Command) =>
  cmd
    .option('-d, --detach', 'leave the services running under a supervisor and return')
    .option('--json', 'print the report as JSON (no task list)')
    .option('-v, --verbose', 'print every event instead of the task list');

overrideFlags(
  runFlags(
    program.command('run').argument('<source>', 'a local path or a git URL (https, ssh, file)'),
  ),
)
  .description('detect, install, build, start and health-check every service of a repository')
  .option('--host <host>', 'interface services bind to', '127.0.0.1')
  .option('--health-timeout <seconds>', 'readiness timeout per service', '120')
  .option('--force-install', 'install dependencies even when the manifests are unchanged')
  .option('--keep-data', "keep databases' data between runs of this repository")
  .action(async (source: string, flags) =>
    exit(await (await import('./commands/run.js')).runCommand(flags, { source }), flags.json),
  );

runFlags(program.command('resume').argument('<run-id>'))
  .description('continue a run at its first unfinished phase')
  .action(async (runId: string, flags) =>
    exit(await (await import('./commands/run.js')).runCommand(flags, { runId }), flags.json),
  );

program
  .command('status')
  .argument('[run-id]')
  .description('list runs, or show one run with its services checked now')
  .option('--json', 'print JSON')
  .option('--limit <n>', 'how many runs to list', '20')
  .action(async (runId: string | undefined, flags) =>
    exit(await (await import('./commands/status.js')).statusCommand(runId, flags), flags.json),
  );

program
  .command('logs')
  .argument('<run-id>')
  .argument('[service]', 'a service name, or install-<service> / build-<service>')
  .description("print a run's logs")
  .option('-f, --follow', 'keep printing new lines until Ctrl-C')
  .action(async (runId: string, service: string | undefined, flags) =>
    exit(await (await import('./commands/logs.js')).logsCommand(runId, service, flags)),
  );

program
  .command('stop')
  .argument('<run-id>')
  .description('stop every process of a run and free its ports')
  .option('--json', 'print JSON')
  .action(async (runId: string, flags) =>
    exit(await (await import('./commands/stop.js')).stopCommand(runId, flags), flags.json),
  );

overrideFlags(program.command('plan'))
  .argument('<path>')
  .description('detect and plan only: print how the repository would be run, run nothing')
  .option('--json', 'print the RunPlan as JSON')
  .action(async (source: string, flags) =>
    exit(await (await import('./commands/plan.js')).planCommand(source, flags), flags.json),
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
  await program.parseAsync(process.argv);
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
