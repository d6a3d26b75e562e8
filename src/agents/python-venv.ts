import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UnrecoverableError } from '../model/errors.js';
import type { ServiceSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';
import { writeJsonAtomic } from '../store/state-files.js';
import { outputTail } from '../exec/process-result.js';
import { runStep } from '../exec/run-step.js';
import { giveToRun } from '../exec/sandbox-user.js';
import type { TrackedOptions } from '../exec/tracked-command.js';

function toolchainPath(ctx: RunContext, name: string): string | null {
  return ctx.state.env?.toolchains.find((t) => t.name === name)?.path ?? null;
}

/** File Repo Runner keeps inside a virtualenv it made: `{ state: 'creating' | 'ready', python }`. */
const VENV_MARKER = '.repo-runner-venv.json';

/** `3.11` from `version = 3.11.7` (or `version_info`) in a venv's pyvenv.cfg; null when unknown. */
function venvPythonVersion(dir: string): string | null {
  try {
    const cfg = readFileSync(path.join(dir, 'pyvenv.cfg'), 'utf8');
    return /^version(?:_info)?\s*=\s*(\d+\.\d+)/m.exec(cfg)?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * True when the venv holds pip (`lib/python3.X/site-packages/pip`). `python -m venv` makes
 * `bin/python` first and installs pip last (ensurepip), so a venv interrupted in between has
 * a python and no pip: every install then fails with "No module named pip".
 */
function hasPip(dir: string): boolean {
  try {
    return readdirSync(path.join(dir, 'lib')).some((py) =>
      existsSync(path.join(dir, 'lib', py, 'site-packages', 'pip', '__init__.py')),
    );
  } catch {
    return false;
  }
}

function readVenvMarker(dir: string): { state: string; python: string | null } | null {
  try {
    return JSON.parse(readFileSync(path.join(dir, VENV_MARKER), 'utf8')) as {
      state: string;
      python: string | null;
    };
  } catch {
    return null;
  }
}

/**
 * Makes sure `dir` is a virtualenv for this machine's python3. A venv is reused when its
 * Python matches (major.minor) and it holds pip. One Repo Runner made (its marker says so)
 * is made again when it does not match or was left half-made by a crash or an interrupt
 * (marker `creating`, or no pip); one the user made is never replaced: it is reused with a
 * warning when its Python differs, and completed in place (`python -m venv` without
 * `--clear`, which keeps installed packages) when it has the right Python but no pip, the
 * state `venv --clear` leaves when interrupted before it wrote our marker back.
 */
export async function ensureVenv(
  ctx: RunContext,
  repoPath: string,
  service: ServiceSpec,
  dir: string,
  tracked: TrackedOptions,
  /** The interpreter to build the venv with (chosen for the repo's wanted version); default python3. */
  chosen?: string,
): Promise<void> {
  const python = chosen ?? toolchainPath(ctx, 'python3') ?? toolchainPath(ctx, 'python');
  const wanted =
    (ctx.state.env?.toolchains.find((t) => t.path === python)?.version ?? '')
      .split('.')
      .slice(0, 2)
      .join('.') || null;
  const ours = readVenvMarker(dir);
  const has = venvPythonVersion(dir);
  const say = (message: string, kind: 'info' | 'warning' = 'info') =>
    ctx.bus.publish({ kind, phase: 'dependencies', service: service.name, message });
  let clear = true;
  if (existsSync(path.join(dir, 'bin', 'python'))) {
    const matches = wanted === null || has === null || has === wanted;
    const complete = hasPip(dir);
    if (matches && complete && ours?.state !== 'creating')
      return say(`reusing the virtualenv ${dir}`);
    if (!ours && !matches)
      return say(
        `reusing your virtualenv ${dir} (Python ${has}) although python3 here is ${wanted}: remove it to have Repo Runner make a new one`,
        'warning',
      );
    clear = ours !== null;
    say(
      ours?.state === 'creating' || !complete
        ? `the virtualenv ${dir} was left half-made (${complete ? 'interrupted' : 'no pip'}): ${clear ? 'making it again' : 'completing it'}`
        : `the virtualenv ${dir} is for Python ${has}, python3 here is ${wanted}: making it again`,
    );
  } else if (existsSync(dir) && !ours) {
    throw new UnrecoverableError(
      'INSTALL_FAILED',
      `${dir} exists but holds no bin/python, so it is not a usable virtualenv`,
      `move it away (Repo Runner never deletes your files) and run again`,
    );
  }
  if (!python)
    throw new UnrecoverableError(
      'TOOLCHAIN_MISSING',
      'python3 is not installed (needed to create a virtualenv)',
      'install Python 3 (e.g. `apt-get install python3 python3-venv`) and run again',
    );
  mkdirSync(dir, { recursive: true });
  giveToRun(dir, ctx.isolation?.uid ?? null, false);
  if (clear) writeJsonAtomic(path.join(dir, VENV_MARKER), { state: 'creating', python: wanted });
  await runStep(
    ctx,
    {
      argv: [python, '-m', 'venv', ...(clear ? ['--clear'] : []), dir],
      cwd: service.root,
      env: {},
      description: 'create the virtualenv',
    },
    repoPath,
    tracked,
    {
      code: 'TOOLCHAIN_MISSING',
      hint: 'install the venv module (e.g. `apt-get install python3-venv`) and run again',
      message: (result) =>
        `could not create a virtualenv with ${python}: ${outputTail(result, 5).join(' | ')}`,
    },
  );
  // `venv --clear` empties the folder, marker included: write it again, now ready. A user's
  // venv completed in place stays theirs (no marker).
  if (clear) writeJsonAtomic(path.join(dir, VENV_MARKER), { state: 'ready', python: wanted });
}
