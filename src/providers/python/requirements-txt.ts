import path from 'node:path';
import type { RepoView } from '../../repo/repo-view.js';
import { parseRequirementName, type RequirementName } from '../../repo/python-requirement-name.js';

/** What a requirements file and the files it includes (`-r other.txt`) declare. */
export interface RequirementsFile {
  /** Requirements found, in file order, includes expanded in place. */
  requirements: RequirementName[];
  /** Every file read, relative to the repository root, the top file first. */
  files: string[];
  /** Includes that could not be read (missing, or outside the repository). */
  missing: string[];
}

/** `-r x`, `--requirement x`, `--requirement=x`: pip's include option. */
const INCLUDE = /^(?:-r|--requirement)(?:\s*=\s*|\s+|(?=\S))(\S+)/;
/** `-e <url>#egg=name`: an editable requirement whose name is in the URL fragment. */
const EGG = /#egg=([A-Za-z0-9._-]+)/;

/**
 * Reads a pip requirements file, following `-r`/`--requirement` includes relative to the
 * including file (as pip does) and ignoring comments, blank lines and other options
 * (`-c`, `--index-url`, …). Line continuations (`\` at the end) are joined. Include cycles
 * are read once. Source: https://pip.pypa.io/en/stable/reference/requirements-file-format/
 *
 * @example
 * const reqs = await readRequirementsFile(repo, 'requirements.txt');
 * reqs.requirements.map((r) => r.name); // ['flask', 'gunicorn', ...]
 */
export async function readRequirementsFile(
  repo: RepoView,
  file: string,
): Promise<RequirementsFile> {
  const result: RequirementsFile = { requirements: [], files: [], missing: [] };
  await readInto(repo, file, result);
  return result;
}

async function readInto(repo: RepoView, file: string, result: RequirementsFile): Promise<void> {
  if (result.files.includes(file)) return;
  let text: string | null;
  try {
    text = await repo.readText(file);
  } catch {
    text = null; // an include that leaves the repository
  }
  if (text === null) {
    result.missing.push(file);
    return;
  }
  result.files.push(file);
  for (const line of logicalLines(text)) {
    const include = INCLUDE.exec(line);
    if (include?.[1]) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), include[1]));
      await readInto(repo, target, result);
      continue;
    }
    const requirement = parseLine(line);
    if (requirement) result.requirements.push(requirement);
  }
}

function parseLine(line: string): RequirementName | null {
  if (line.startsWith('-e ') || line.startsWith('--editable')) {
    const egg = EGG.exec(line);
    return egg?.[1] ? parseRequirementName(egg[1]) : null;
  }
  if (line.startsWith('-')) return null;
  // A bare URL or path (`./pkg`, `https://…/x.whl`) carries no name we can read.
  if (/^[./]|^[a-z+]+:\/\//i.test(line)) return null;
  return parseRequirementName(line);
}

function logicalLines(text: string): string[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '');
}
