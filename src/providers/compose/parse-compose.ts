import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { RepoRunnerError } from '../../model/errors.js';
import type { RepoView } from '../../repo/repo-view.js';
import { ComposeFileSchema, type ComposeService } from './compose-schema.js';
import { parseDotenv } from './dotenv.js';
import { interpolateTree } from './interpolate.js';
import { mostSpecificIssue } from './schema-issue.js';

/**
 * Compose file names, in the order `docker compose` tries them (compose-go's
 * `DefaultFileNames`). Source: https://docs.docker.com/compose/intro/compose-application-model/#the-compose-file
 */
export const COMPOSE_FILE_NAMES = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yml',
  'docker-compose.yaml',
] as const;

/** A Compose file read, interpolated and checked; services still as written. */
export interface ParsedCompose {
  /** The file's name at the repository root, e.g. `docker-compose.yml`. */
  file: string;
  /** Services by name, in file order. */
  services: Record<string, ComposeService>;
  /** The interpolation environment: the repo's `.env` overlaid by the env passed in. */
  env: Record<string, string>;
  /** Top-level `secrets` backed by a file: name → path relative to the repository root. */
  secrets: Record<string, string>;
  warnings: string[];
}

/** The first Compose file at the repository root, or null when there is none. */
export async function findComposeFile(repo: RepoView): Promise<string | null> {
  for (const name of COMPOSE_FILE_NAMES) if (await repo.hasFile(name)) return name;
  return null;
}

/**
 * Reads the repo's Compose file: YAML (anchors and `<<` merge keys allowed), then `${VAR}`
 * interpolation from `env` over the root `.env` (the shell wins, as in Compose), then a zod
 * check of the keys Repo Runner reads. Null when there is no Compose file. Throws a
 * `BAD_INPUT` {@link RepoRunnerError} whose message names the file and line
 * (`docker-compose.yml line 7: …`) when the file does not parse or has a wrong shape.
 *
 * @example
 * const parsed = await parseCompose(new RepoView('/src/app'), { TAG: '16' });
 * Object.keys(parsed?.services ?? {}); // ['api', 'db']
 */
export async function parseCompose(
  repo: RepoView,
  env: Record<string, string> = {},
): Promise<ParsedCompose | null> {
  const file = await findComposeFile(repo);
  if (file === null) return null;
  const text = (await repo.readText(file)) ?? '';
  const warnings: string[] = [];
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError) {
    throw badFile(file, lines.linePos(firstError.pos[0]).line, firstError.message);
  }
  for (const w of doc.warnings) {
    warnings.push(`${file} line ${lines.linePos(w.pos[0]).line}: ${w.message}`);
  }
  const dotenv = parseDotenv(
    (await repo.readText('.env')) ?? '',
    (n) => env[n],
    (issue) => warnings.push(`.env ${issue}`),
  );
  const merged = { ...dotenv, ...env };
  const seen = new Set<string>();
  const raw = interpolateTree(
    doc.toJS(),
    (n) => merged[n],
    (issue) => {
      if (!seen.has(issue)) warnings.push(`${file}: ${issue}`);
      seen.add(issue);
    },
  );
  if (raw === null || raw === undefined) throw badFile(file, 1, 'the file is empty');
  const parsed = ComposeFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = mostSpecificIssue(parsed.error);
    throw badFile(
      file,
      lineOf(doc, lines, issue.path),
      `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  return {
    file,
    services: parsed.data.services ?? {},
    env: merged,
    secrets: fileSecrets((raw as { secrets?: unknown }).secrets),
    warnings,
  };
}

/**
 * The top-level `secrets` that name a `file` inside the repository (relative, no `..`):
 * name → normalised path. `environment:` and `external:` secrets, and files outside, are left
 * out. Source: https://docs.docker.com/reference/compose-file/secrets/
 */
export function fileSecrets(secrets: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof secrets !== 'object' || secrets === null) return out;
  for (const [name, def] of Object.entries(secrets)) {
    const file = (def as { file?: unknown } | null)?.file;
    if (typeof file !== 'string' || path.posix.isAbsolute(file)) continue;
    const rel = path.posix.normalize(file);
    if (rel === '..' || rel.startsWith('../')) continue;
    out[name] = rel;
  }
  return out;
}

/** The line of the deepest node of `path` that exists in the document (1 when none). */
function lineOf(doc: Document, lines: LineCounter, path: (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return 1;
}

function badFile(file: string, line: number, reason: string): RepoRunnerError {
  return new RepoRunnerError(
    'BAD_INPUT',
    `${file} line ${line}: ${reason}`,
    `fix ${file} (\`docker compose config\` shows the same problem) and run again`,
  );
}
