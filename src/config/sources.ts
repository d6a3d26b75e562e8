import type { RepoView } from '../repo/repo-view.js';
import { parseEnvText } from './env-file.js';

/** Example env files looked for in a service's folder, in order; all found are read. */
export const EXAMPLE_FILES = [
  '.env.example',
  '.env.sample',
  '.env.template',
  '.env.dist',
  'example.env',
  'sample.env',
  '.example.env',
  '.sample.env',
  'env.example',
  'env.sample',
  'env.template',
  '.env.local.example',
  '.env.local.sample',
  '.env.defaults',
  // Development env files that compose files load (`env_file: .env.dev`): their values are
  // the project's own development defaults.
  '.env.development',
  '.env.dev',
] as const;

/** One key an app expects, where it was found, and the default the source gives (maybe ''). */
export interface ExpectedVar {
  key: string;
  example: string;
  source: string;
  /** Heroku app.json `generator: "secret"`: always a fresh secret. */
  secret?: boolean;
  /** Heroku app.json `required: false`: leaving it empty is fine. */
  optional?: boolean;
}

interface AppJsonEnv {
  [key: string]:
    string | { value?: string; generator?: string; required?: boolean; description?: string };
}

/**
 * Every variable a folder's example env files and Heroku `app.json` (`env`,
 * https://devcenter.heroku.com/articles/app-json-schema#env) declare, first source first.
 */
export async function expectedVars(repo: RepoView, dir: string): Promise<ExpectedVar[]> {
  const seen = new Map<string, ExpectedVar>();
  const rel = (f: string) => (dir === '.' ? f : `${dir}/${f}`);
  for (const f of EXAMPLE_FILES) {
    const text = await repo.readText(rel(f));
    if (text === null) continue;
    for (const [key, example] of Object.entries(parseEnvText(text)))
      if (!seen.has(key)) seen.set(key, { key, example, source: rel(f) });
    // `KEY=` lines with nothing after them are in dotenv's output too; bare `KEY` lines are not.
  }
  let app: { env?: AppJsonEnv } | null = null;
  try {
    app = await repo.readJson<{ env?: AppJsonEnv }>(rel('app.json'));
  } catch {
    app = null;
  }
  for (const [key, spec] of Object.entries(app?.env ?? {})) {
    if (seen.has(key)) continue;
    if (typeof spec === 'string') seen.set(key, { key, example: spec, source: rel('app.json') });
    else
      seen.set(key, {
        key,
        example: spec.value ?? '',
        source: rel('app.json'),
        secret: spec.generator === 'secret',
        optional: spec.required === false,
      });
  }
  return [...seen.values()];
}
