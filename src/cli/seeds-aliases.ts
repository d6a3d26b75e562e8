/** The seeds' flag spellings and this CLI's. */
const FLAGS: Record<string, string> = {
  '--business_name': '--business-name',
  '--orchestrator_id': '--orchestrator',
  '--agent_type': '--spec',
};

/**
 * The seeds' Admin Agent spellings (`--admin_agent create_business_orchestrator
 * --business_name acme_corp`, `--admin_agent intervene --orchestrator_id X`,
 * `--admin_agent create_agent --agent_type FILE`) rewritten as this CLI's `admin-agent`
 * subcommands; a leading `--login --username U --password P` (the seeds log in on every
 * call) is dropped, with a note, since the local CLI is the machine's developer. Any other
 * argv is returned as it is.
 *
 * @param argv the arguments after `node` and the script (`process.argv.slice(2)`).
 * @returns the arguments to parse, and a note to print when something was dropped.
 */
export function fromSeedsSpelling(argv: readonly string[]): {
  argv: string[];
  note: string | null;
} {
  const at = argv.indexOf('--admin_agent');
  if (at < 0) return { argv: [...argv], note: null };
  const rest: string[] = [];
  let dropped = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (i === at || i === at + 1) continue;
    if (a === '--login') {
      dropped = true;
      continue;
    }
    if (a === '--username' || a === '--password') {
      dropped = true;
      i++;
      continue;
    }
    rest.push(FLAGS[a] ?? a);
  }
  const action = (argv[at + 1] ?? '').replaceAll('_', '-');
  return {
    argv: ['admin-agent', action, ...rest],
    note: dropped
      ? '--login, --username and --password are not needed here: the local CLI is the developer'
      : null,
  };
}
