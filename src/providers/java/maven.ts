import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { ServiceSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import { findHealthPath } from '../health-path.js';
import type { ProviderPlan } from '../types.js';
import { mavenJavaVersion } from './java-version.js';
import { findMainClass, interpolate, readPom, type Pom } from './pom.js';
import { SPRING_ACTUATOR_HEALTH, springBootArgs } from './spring-boot.js';
import { text } from './xml-node.js';

const BOOT_PARENT = 'spring-boot-starter-parent';
const BOOT_PLUGIN = 'spring-boot-maven-plugin';

/** How a Maven module is run, before it becomes a ServiceSpec. */
interface MavenApp {
  framework: 'spring-boot' | null;
  /** Goals after `mvn -q -B -DskipTests`. */
  goals: string[];
  argv: string[];
  description: string;
  healthPath: string | null;
  evidence: string[];
}

/**
 * Plans a Maven project (root pom.xml). The module run is the root, or for an aggregator
 * (`<modules>`) the first module that is runnable, built from the root with `-pl <module> -am`.
 * Build: `./mvnw` when present and executable, else `mvn`, `-q -B -DskipTests package`.
 * Start, per {@link mavenApp}. No install step: `package` downloads into ~/.m2 itself, and
 * `dependency:go-offline` would download far more than the build needs.
 */
export async function planMaven(repo: RepoView): Promise<ProviderPlan> {
  const root = await readPom(repo, '.');
  if (root === null) throw new Error('pom.xml not found');
  const warnings: string[] = [];
  const mvn = await mavenProgram(repo);
  let dir = '.';
  let pom = root;
  let app = await mavenApp(repo, '.', root, root);
  for (const module of root.modules) {
    if (app !== null) break;
    const modulePom = await readPom(repo, module).catch(() => null);
    if (modulePom === null) continue;
    const merged = { ...modulePom, properties: { ...root.properties, ...modulePom.properties } };
    app = await mavenApp(repo, module, merged, root);
    if (app !== null) [dir, pom] = [module, merged];
  }
  if (app === null) {
    warnings.push(
      `java: pom.xml builds no runnable app (no ${BOOT_PLUGIN}, Spring Boot parent or mainClass); a library has nothing to run`,
    );
    return { services: [], warnings };
  }
  const wanted = mavenJavaVersion(pom);
  const select = dir === '.' ? [] : ['-pl', dir, '-am'];
  const buildArgv = [mvn.program, '-q', '-B', '-DskipTests', ...select, ...app.goals];
  const service: ServiceSpec = {
    name: 'web',
    provider: 'java',
    framework: app.framework,
    root: dir,
    protocol: 'http',
    install: null,
    build: [
      { argv: buildArgv, cwd: '.', env: {}, description: `${mvn.program} ${app.goals.join(' ')}` },
    ],
    start: { argv: app.argv, cwd: dir, env: {}, description: app.description },
    healthPath: app.healthPath,
    env: {},
    evidence: [
      'pom.xml',
      ...mvn.evidence,
      ...(dir === '.' ? [] : [`module ${dir}`]),
      ...app.evidence,
    ],
    ...(wanted === null ? {} : { runtime: { tool: 'java', wanted, source: 'pom.xml' } }),
  };
  return { services: [service], warnings };
}

/** `./mvnw` when it exists and is executable (the project's pinned Maven), else `mvn`. */
async function mavenProgram(repo: RepoView): Promise<{ program: string; evidence: string[] }> {
  if (!(await repo.hasFile('mvnw'))) return { program: 'mvn', evidence: [] };
  try {
    await access(repo.resolve('mvnw'), constants.X_OK);
    return { program: './mvnw', evidence: ['mvnw (Maven wrapper)'] };
  } catch {
    return { program: 'mvn', evidence: ['mvnw is not executable: using mvn'] };
  }
}

/**
 * How to run one Maven module, or null when it is not runnable (an aggregator, packaging
 * `pom`, never is). Rules, first match wins:
 * 1. Spring Boot (parent `spring-boot-starter-parent` or the `spring-boot-maven-plugin`):
 *    `java -jar target/<finalName>[-<classifier>].<jar|war> --server.port={port}
 *    --server.address={host}`; `finalName` defaults to `<artifactId>-<version>`. The build runs
 *    `package`, plus `spring-boot:repackage` when neither the parent nor an execution binds
 *    repackage (https://docs.spring.io/spring-boot/maven-plugin/packaging.html).
 * 2. A `mainClass` in any plugin's configuration (maven-jar-plugin manifest, exec-maven-plugin,
 *    shade, assembly) or the `exec.mainClass` property: `java -cp target/classes <mainClass>`;
 *    with runtime dependencies, the build also runs `dependency:copy-dependencies
 *    -DincludeScope=runtime` and the class path adds `target/dependency/*` (a wildcard java
 *    itself expands: https://docs.oracle.com/en/java/javase/17/docs/specs/man/java.html).
 */
async function mavenApp(
  repo: RepoView,
  dir: string,
  pom: Pom,
  root: Pom,
): Promise<MavenApp | null> {
  if (pom.packaging === 'pom') return null;
  const plugin = pom.plugins.find((p) => p.artifactId === BOOT_PLUGIN);
  const bootParent = [pom, root].some((p) => p.parent?.artifactId === BOOT_PARENT);
  const actuator = pom.dependencies.some((d) => d.artifactId === 'spring-boot-starter-actuator');
  if (plugin !== undefined || (bootParent && dir === '.')) {
    const name = interpolate(pom.finalName ?? '${project.artifactId}-${project.version}', pom);
    const classifier = text(plugin?.configuration, 'classifier');
    const ext = pom.packaging === 'war' ? 'war' : 'jar';
    const jar = `target/${name}${classifier ? `-${interpolate(classifier, pom)}` : ''}.${ext}`;
    const bound = plugin !== undefined && (bootParent || plugin.goals.includes('repackage'));
    return {
      framework: 'spring-boot',
      goals: bound ? ['package'] : ['package', 'spring-boot:repackage'],
      argv: ['java', '-jar', jar, ...springBootArgs()],
      description: `java -jar ${jar}`,
      healthPath: actuator ? SPRING_ACTUATOR_HEALTH : null,
      evidence: [
        plugin ? BOOT_PLUGIN : `parent ${BOOT_PARENT}`,
        ...(actuator ? ['spring-boot-starter-actuator'] : []),
        ...(name.includes('${') ? [`unresolved jar name ${name}`] : []),
      ],
    };
  }
  const mainClass = findMainClass(pom);
  if (mainClass === undefined) return null;
  const runtimeDeps = pom.dependencies.filter((d) => ['compile', 'runtime'].includes(d.scope));
  const classpath =
    runtimeDeps.length > 0 ? 'target/classes:target/dependency/*' : 'target/classes';
  const source = `${dir === '.' ? '' : `${dir}/`}src/main/java/${mainClass.replaceAll('.', '/')}.java`;
  return {
    framework: null,
    goals:
      runtimeDeps.length > 0
        ? ['package', 'dependency:copy-dependencies', '-DincludeScope=runtime']
        : ['package'],
    argv: ['java', '-cp', classpath, mainClass],
    description: `java ${mainClass}`,
    healthPath: findHealthPath(await repo.readText(source)),
    evidence: [`mainClass ${mainClass}`],
  };
}
