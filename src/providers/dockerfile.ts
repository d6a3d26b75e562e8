import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import path from 'node:path';
import type { ServiceSpec } from '../model/plan.js';
import type { RepoView } from '../repo/repo-view.js';

/** What a Dockerfile says about building and starting its app (parsed, never built). */
export interface DockerfileFacts {
  /** Repo-relative path of the Dockerfile. */
  file: string;
  /** The final stage's working directory (its last WORKDIR), or null. */
  workdir: string | null;
  /** ENV of every stage (a build stage's `GOEXPERIMENT` matters to the build), later wins. */
  env: Record<string, string>;
  /** Ports the final stage EXPOSEs (TCP), in order. */
  expose: number[];
  /** The final stage's ENTRYPOINT + CMD as argv (shell form: `sh -c <line>`), or null. */
  command: string[] | null;
  /** Debian packages its RUN lines `apt-get install`. */
  aptPackages: string[];
}

/** ENV names that describe the container, not the app: never copied to a native run. */
const CONTAINER_ENV =
  /^(PATH|HOME|HOSTNAME|PORT|HOST|LANG|LC_\w+|TZ|DEBIAN_FRONTEND|PIP_\w+|PYTHONPATH|VIRTUAL_ENV|NODE_PATH|GOPATH|GOROOT|CARGO_HOME|RUSTUP_HOME|JAVA_HOME|MAVEN_\w+|POETRY_\w+|UV_\w+|NPM_CONFIG_\w+|npm_config_\w+)$/;

/**
 * ENV names that select an image's environment (production settings, no debug): a native
 * dev run keeps the project's own defaults, since production settings expect production's
 * services and secrets.
 */
const ENVIRONMENT_SELECTORS =
  /^(NODE_ENV|DEBUG|FLASK_ENV|FLASK_DEBUG|APP_ENV|ENV|ENVIRONMENT|RAILS_ENV|RACK_ENV|DJANGO_SETTINGS_MODULE|DJANGO_DEBUG|SPRING_PROFILES_ACTIVE|GIN_MODE)$/;

/** An instruction's argv: exec form (`["a", "b"]`) as JSON strings, shell form as `sh -c`. */
function argvOf(instruction: Instruction): string[] {
  const json = (
    instruction as Instruction & { getJSONStrings?: () => Array<{ getJSONValue(): string }> }
  ).getJSONStrings?.();
  if (json && json.length > 0) return json.map((j) => j.getJSONValue());
  const text = instruction
    .getArguments()
    .map((a) => a.getValue())
    .join(' ')
    .trim();
  return text ? ['sh', '-c', text] : [];
}

/**
 * Reads `<dir>/Dockerfile` with a Dockerfile parser (dockerfile-ast, the parser of the
 * Dockerfile language server): the final stage's WORKDIR, EXPOSE and ENTRYPOINT/CMD, every
 * stage's ENV and `apt-get install` packages. Null when there is none or it has no FROM.
 */
export async function readDockerfile(repo: RepoView, dir: string): Promise<DockerfileFacts | null> {
  const file = dir === '.' ? 'Dockerfile' : `${dir}/Dockerfile`;
  const text = await repo.readText(file);
  if (text === null) return null;
  const doc = DockerfileParser.parse(text);
  const froms = doc.getFROMs();
  if (froms.length === 0) return null;
  const lastFrom = froms[froms.length - 1]!.getRange().start.line;
  const facts: DockerfileFacts = {
    file,
    workdir: null,
    env: {},
    expose: [],
    command: null,
    aptPackages: [],
  };
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  for (const instruction of doc.getInstructions()) {
    const final = instruction.getRange().start.line >= lastFrom;
    const keyword = instruction.getKeyword().toUpperCase();
    const args = instruction.getArguments().map((a) => a.getValue());
    if (keyword === 'ENV') {
      for (const p of (
        instruction as Instruction & {
          getProperties(): Array<{ getName(): string; getValue(): string | null }>;
        }
      ).getProperties())
        facts.env[p.getName()] = p.getValue() ?? '';
    } else if (keyword === 'RUN') {
      const line = args.join(' ');
      for (const m of line.matchAll(/apt-get\s+(?:-\S+\s+)*install\s+([^&|;]+)/g))
        for (const word of (m[1] ?? '').split(/\s+/))
          if (/^[a-z0-9][a-z0-9+.-]+$/.test(word) && !facts.aptPackages.includes(word))
            facts.aptPackages.push(word);
    } else if (!final) continue;
    else if (keyword === 'WORKDIR' && args[0]) {
      facts.workdir = path.posix.resolve(facts.workdir ?? '/', args[0]);
    } else if (keyword === 'EXPOSE') {
      for (const a of args) {
        const m = /^(\d{1,5})(?:\/tcp)?$/i.exec(a);
        if (m) facts.expose.push(Number(m[1]));
      }
    } else if (keyword === 'ENTRYPOINT') entrypoint = argvOf(instruction);
    else if (keyword === 'CMD') cmd = argvOf(instruction);
  }
  const command = [...entrypoint, ...cmd];
  facts.command = command.length > 0 ? command : null;
  return facts;
}

/** How a Dockerfile's CMD reads with its WORKDIR paths made relative: for the evidence. */
export function nativeCommand(facts: DockerfileFacts): string | null {
  if (!facts.command) return null;
  const workdir = facts.workdir;
  const argv =
    facts.command[0] === 'sh' && facts.command[1] === '-c' ? facts.command.slice(2) : facts.command;
  return argv
    .map((a) => (workdir && workdir !== '/' ? a.replaceAll(`${workdir}/`, '') : a))
    .join(' ');
}

/**
 * Takes what each service's Dockerfile (in its root folder) says as evidence for its plan,
 * translated to a native run: its ENV (what the app reads, e.g. a build's `GOEXPERIMENT`;
 * not the container's own PATH, HOME, PORT or paths inside the image) joins the service's
 * environment where the plan sets nothing; its first EXPOSEd port becomes the preferred port
 * when none is known; its CMD, WORKDIR paths made relative, and its `apt-get install`
 * packages are named in the evidence. The provider's start command stays: the Dockerfile is
 * evidence, not the plan. No detector among Railpack, Nixpacks or buildpacks reads it.
 */
export async function applyDockerfile(
  repo: RepoView,
  services: ServiceSpec[],
): Promise<ServiceSpec[]> {
  const out: ServiceSpec[] = [];
  for (const s of services) {
    const facts = await readDockerfile(repo, s.root);
    if (!facts) {
      out.push(s);
      continue;
    }
    const env = { ...s.env };
    const taken: string[] = [];
    for (const [k, v] of Object.entries(facts.env)) {
      if (
        CONTAINER_ENV.test(k) ||
        ENVIRONMENT_SELECTORS.test(k) ||
        k in env ||
        v.startsWith('/') ||
        v.includes('$')
      )
        continue;
      env[k] = v;
      taken.push(k);
    }
    const evidence = [...s.evidence];
    const command = nativeCommand(facts);
    if (command) evidence.push(`${facts.file}: CMD ${command}`);
    if (facts.expose.length > 0) evidence.push(`${facts.file}: EXPOSE ${facts.expose.join(' ')}`);
    if (taken.length > 0) evidence.push(`${facts.file}: ENV ${taken.join(', ')}`);
    if (facts.aptPackages.length > 0)
      evidence.push(`${facts.file}: apt-get install ${facts.aptPackages.join(' ')}`);
    const port = facts.expose[0];
    out.push({
      ...s,
      env,
      evidence,
      ...(s.preferredPort === undefined && s.protocol !== 'none' && port !== undefined
        ? { preferredPort: port }
        : {}),
    });
  }
  return out;
}
