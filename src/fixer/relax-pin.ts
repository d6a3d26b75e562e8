import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ServiceSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';

/** `name` as pip compares it (PEP 503 normalisation). */
const normalise = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/**
 * For a release pip cannot find ("No matching distribution found for flask==99.0"): writes a
 * copy of the service's requirements file into the run directory with that package's
 * version constraint dropped, and returns the install argv that uses the copy. The user's
 * file is not touched; nested `-r`/`-c` files it names are given by absolute path, so they
 * still resolve from the copy. Returns null when the service does not install from a requirements
 * file that names the package.
 */
export function relaxedRequirementsArgv(
  ctx: RunContext,
  svc: ServiceSpec,
  pkg: string,
): string[] | null {
  const step = svc.install?.steps.find((s) => s.argv.includes('-r'));
  if (!step) return null;
  const at = step.argv.indexOf('-r');
  const rel = step.argv[at + 1];
  const repo = ctx.state.workspace?.repoPath ?? '';
  const file = rel ? path.resolve(repo, step.cwd, rel) : '';
  if (!rel || !existsSync(file)) return null;
  let changed = false;
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => {
      const m =
        /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(==|===|~=|>=|<=|<|>|!=)[^;#]*(.*)$/.exec(
          line,
        );
      // The copy lives in the run directory: nested `-r base.txt` / `-c constraints.txt`
      // must still point at the repository's files.
      const nested = /^(\s*(?:-r|-c|--requirement|--constraint)(?:\s+|=))(\S+)(.*)$/.exec(line);
      if (nested && !path.isAbsolute(nested[2]!) && !/^\w+:\/\//.test(nested[2]!))
        return `${nested[1]}${path.resolve(path.dirname(file), nested[2]!)}${nested[3]}`;
      if (!m || normalise(m[1]!) !== normalise(pkg)) return line;
      changed = true;
      // pip only reads ` #` as a comment: `flask# x` would be an invalid requirement.
      return `${m[1]}${m[2] ?? ''}${m[4] ? ` ${m[4]}` : ''}`;
    });
  if (!changed) return null;
  const dir = path.join(ctx.runDir, 'fixes');
  mkdirSync(dir, { recursive: true });
  const copy = path.join(dir, `requirements-${svc.name}.txt`);
  writeFileSync(copy, lines.join('\n'));
  const argv = [...step.argv];
  argv[at + 1] = copy;
  return argv;
}
