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
