import { RepoRunnerError } from '../model/errors.js';
import { aptGet, canInstallPackages } from './apt.js';
import { outputTail } from './process-result.js';
import { resolveProgram } from './sandbox.js';
import type { SandboxKind } from './sandbox.js';

/** Debian's package that provides `bwrap`. */
const BUBBLEWRAP_PACKAGE = 'bubblewrap';

/**
 * Makes sure the sandbox a run asks for can be had before the run starts: `bwrap` on PATH,
 * installed from Debian's packages when missing and this process is root; `none` needs
 * nothing.
 *
 * @throws RepoRunnerError TOOLCHAIN_MISSING when bubblewrap is missing and cannot be
 *   installed here, with the command that installs it (or `--no-sandbox`) as the hint.
 */
export async function ensureSandbox(kind: SandboxKind, signal?: AbortSignal): Promise<void> {
  if (kind === 'none' || resolveProgram('bwrap', '/', process.env.PATH ?? '')) return;
  const hint = `install it (\`apt-get install ${BUBBLEWRAP_PACKAGE}\` as root), or run without a sandbox with --no-sandbox (the repository's code then runs as you)`;
  if (!canInstallPackages())
    throw new RepoRunnerError('TOOLCHAIN_MISSING', 'bubblewrap (bwrap) is not installed', hint);
  let result = await aptGet(['install', '-y', '-qq', BUBBLEWRAP_PACKAGE], signal);
  if (result.failed) {
    await aptGet(['update', '-qq'], signal);
    result = await aptGet(['install', '-y', '-qq', BUBBLEWRAP_PACKAGE], signal);
  }
  if (result.failed || !resolveProgram('bwrap', '/', process.env.PATH ?? ''))
    throw new RepoRunnerError(
      'TOOLCHAIN_MISSING',
      `bubblewrap could not be installed:\n${outputTail(result, 10).join('\n')}`,
      hint,
    );
}

/** The programs a run network needs, and the Debian package of each. */
const NETWORK_TOOLS: Array<[program: string, pkg: string]> = [
  ['ip', 'iproute2'],
  ['nft', 'nftables'],
  ['pasta', 'passt'],
];

/**
 * Makes sure a run can have its own network (`exec/run-network.ts`): root (namespaces and
 * their rules need CAP_NET_ADMIN and CAP_SYS_ADMIN), and `ip`, `nft` and `pasta` on PATH,
 * installed from Debian's packages when missing and this process is root.
 *
 * @returns null when the network can be made, else why not (the caller warns, or refuses
 *   the run in service mode).
 */
export async function ensureNetworkTools(signal?: AbortSignal): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'a run network needs root';
  const onPath = (p: string) => resolveProgram(p, '/', process.env.PATH ?? '') !== null;
  const missing = () => NETWORK_TOOLS.filter(([p]) => !onPath(p)).map(([, pkg]) => pkg);
  if (missing().length === 0) return null;
  if (!canInstallPackages()) return `missing ${missing().join(', ')} (install them as root)`;
  let result = await aptGet(['install', '-y', '-qq', ...missing()], signal);
  if (result.failed) {
    await aptGet(['update', '-qq'], signal);
    result = await aptGet(['install', '-y', '-qq', ...missing()], signal);
  }
  return missing().length === 0
    ? null
    : `${missing().join(', ')} could not be installed: ${outputTail(result, 3).join(' ')}`;
}
