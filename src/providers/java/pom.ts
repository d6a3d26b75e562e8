import { XMLParser } from 'fast-xml-parser';
import type { RepoView } from '../../repo/repo-view.js';
import { at, findText, list, text, textMap } from './xml-node.js';

/** A Maven coordinate as written (before property interpolation). */
export interface MavenArtifact {
  groupId: string | undefined;
  artifactId: string;
  /** `compile` when not written. */
  scope: string;
}

/** A `<build><plugins><plugin>` entry. */
export interface MavenPlugin {
  groupId: string | undefined;
  artifactId: string;
  /** The plugin's `<configuration>` element as parsed XML (used to find `mainClass`, …). */
  configuration: unknown;
  /** Goals bound by its `<executions>`, e.g. `repackage`. */
  goals: string[];
}

/**
 * The parts of a pom.xml the Java provider reads. Values are as written: `${…}` references
 * are resolved with {@link interpolate}. Source: https://maven.apache.org/pom.html
 */
export interface Pom {
  artifactId: string | undefined;
  /** The project's version, or the parent's when the project does not set one. */
  version: string | undefined;
  /** `jar` when not written. */
  packaging: string;
  /** `<build><finalName>`, the artifact's file name without extension. */
  finalName: string | undefined;
  parent: { groupId: string | undefined; artifactId: string | undefined } | null;
  properties: Record<string, string>;
  dependencies: MavenArtifact[];
  plugins: MavenPlugin[];
  /** `<modules>` of an aggregator pom: subdirectories holding their own pom.xml. */
  modules: string[];
}

// parseTagValue off: versions such as 1.8 or 17 stay strings; entities off: no expansion.
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: false,
});

/**
 * Parses pom.xml text with fast-xml-parser (not regular expressions: comments, CDATA and
 * profiles would fool those). Throws a readable error when the text is not XML or has no
 * `<project>` element.
 *
 * @example
 * parsePom('<project><artifactId>demo</artifactId><version>1.0</version></project>').artifactId; // 'demo'
 */
export function parsePom(xml: string): Pom {
  let tree: unknown;
  try {
    tree = parser.parse(xml, true);
  } catch (err) {
    throw new Error(`pom.xml is not valid XML: ${(err as Error).message.split('\n')[0]}`);
  }
  const project = at(tree, 'project');
  if (typeof project !== 'object' || project === null) {
    throw new Error('pom.xml has no <project> element');
  }
  const parent = at(project, 'parent');
  return {
    artifactId: text(project, 'artifactId'),
    version: text(project, 'version') ?? text(parent, 'version'),
    packaging: text(project, 'packaging') ?? 'jar',
    finalName: text(project, 'build', 'finalName'),
    parent:
      parent === undefined
        ? null
        : { groupId: text(parent, 'groupId'), artifactId: text(parent, 'artifactId') },
    properties: textMap(at(project, 'properties')),
    dependencies: list(project, 'dependencies', 'dependency').flatMap((d) => {
      const artifactId = text(d, 'artifactId');
      if (artifactId === undefined) return [];
      return [{ groupId: text(d, 'groupId'), artifactId, scope: text(d, 'scope') ?? 'compile' }];
    }),
    plugins: list(project, 'build', 'plugins', 'plugin').flatMap((p) => {
      const artifactId = text(p, 'artifactId');
      if (artifactId === undefined) return [];
      const goals = list(p, 'executions', 'execution').flatMap((e) =>
        list(e, 'goals', 'goal').filter((g): g is string => typeof g === 'string'),
      );
      return [
        { groupId: text(p, 'groupId'), artifactId, configuration: at(p, 'configuration'), goals },
      ];
    }),
    modules: list(project, 'modules', 'module').filter((m): m is string => typeof m === 'string'),
  };
}

/** Reads and parses `<dir>/pom.xml`; null when there is none. */
export async function readPom(repo: RepoView, dir: string): Promise<Pom | null> {
  const rel = dir === '.' ? 'pom.xml' : `${dir}/pom.xml`;
  const xml = await repo.readText(rel);
  return xml === null ? null : parsePom(xml);
}

/**
 * Replaces `${name}` references with the pom's properties and the `project.*` values Maven
 * defines (`project.artifactId`, `project.version`, `project.build.finalName`), repeatedly so
 * nested references resolve. Unknown references are left as written.
 */
export function interpolate(value: string, pom: Pom): string {
  const builtIn: Record<string, string | undefined> = {
    'project.artifactId': pom.artifactId,
    'project.version': pom.version,
    'project.packaging': pom.packaging,
    'project.build.finalName': pom.finalName,
  };
  let out = value;
  for (let i = 0; i < 5 && out.includes('${'); i++) {
    out = out.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
      const key = name.replace(/^pom\./, 'project.');
      return pom.properties[name] ?? builtIn[key] ?? whole;
    });
  }
  return out;
}

/** The first `mainClass` in any plugin's configuration, else the `exec.mainClass` property. */
export function findMainClass(pom: Pom): string | undefined {
  for (const plugin of pom.plugins) {
    const found = findText(plugin.configuration, 'mainClass');
    if (found !== undefined) return interpolate(found, pom);
  }
  const property = pom.properties['exec.mainClass'];
  return property === undefined ? undefined : interpolate(property, pom);
}
