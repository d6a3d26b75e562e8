import path from 'node:path';
import type { CommandSpec, ServiceSpec } from '../../model/plan.js';
import type { RepoView } from '../../repo/repo-view.js';
import type { ProviderPlan } from '../types.js';
import { gradleJavaVersion } from './java-version.js';
import { SPRING_ACTUATOR_HEALTH, springBootArgs } from './spring-boot.js';

/** Said with every Gradle plan: the gradle program cannot be checked at plan time. */
export const GRADLE_WARNING =
  'Gradle builds need gradle on PATH; the wrapper ./gradlew downloads its distribution, which fails without internet access';

const BOOT_PLUGIN = /(?:\bid\s*\(?\s*|apply\s+plugin\s*:\s*)['"]org\.springframework\.boot['"]/;
const APPLICATION_PLUGIN =
  /(?:\bid\s*\(?\s*|apply\s+plugin\s*:\s*)['"]application['"]|^\s*application\s*$/m;
const ROOT_NAME = /rootProject\.name\s*=\s*['"]([^'"]+)['"]/;
const VERSION = /^\s*version\s*=?\s*['"]([^'"]+)['"]/m;

/**
 * Plans a single-project Gradle build (build.gradle or build.gradle.kts at the root), read
 * with regular expressions since there is no Groovy/Kotlin parser to use. Always emits
 * `gradle --no-daemon …` (no daemon left running after the build) with {@link GRADLE_WARNING}.
 * 1. Spring Boot plugin (`org.springframework.boot`): build `gradle --no-daemon bootJar -x test`,
 *    start `java -jar build/libs/<name>[-<version>].jar --server.port={port} --server.address={host}`.
 * 2. The `application` plugin: build `gradle --no-daemon installDist -x test`, start the
 *    generated script `build/install/<name>/bin/<name>`.
 * `<name>` is a guess: settings.gradle's `rootProject.name`, else the repository's directory
 * name; `<version>` is a top-level `version = '…'`, and without one Gradle leaves it out of the
 * jar name. A build that renames its archive (`archiveFileName`) is not followed.
 * Sources: https://docs.spring.io/spring-boot/gradle-plugin/packaging.html,
 * https://docs.gradle.org/current/userguide/application_plugin.html
 */
export async function planGradle(repo: RepoView): Promise<ProviderPlan> {
  const file = (await repo.hasFile('build.gradle.kts')) ? 'build.gradle.kts' : 'build.gradle';
  const build = (await repo.readText(file)) ?? '';
  const settings =
    (await repo.readText('settings.gradle.kts')) ?? (await repo.readText('settings.gradle')) ?? '';
  const warnings = [GRADLE_WARNING];
  const name = ROOT_NAME.exec(settings)?.[1] ?? path.basename(repo.root);
  const version = VERSION.exec(build)?.[1];
  const evidence = [file, `project name ${name}${version ? `, version ${version}` : ''} (guessed)`];
  if (await repo.hasFile('gradlew'))
    evidence.push('gradlew present (not used: it downloads Gradle)');
  let task: string;
  let start: CommandSpec;
  let framework: string | null = null;
  let healthPath: string | null = null;
  if (BOOT_PLUGIN.test(build)) {
    const jar = `build/libs/${name}${version ? `-${version}` : ''}.jar`;
    task = 'bootJar';
    framework = 'spring-boot';
    start = {
      argv: ['java', '-jar', jar, ...springBootArgs()],
      cwd: '.',
      env: {},
      description: `java -jar ${jar}`,
    };
    if (build.includes('spring-boot-starter-actuator')) healthPath = SPRING_ACTUATOR_HEALTH;
    evidence.push('plugin org.springframework.boot');
  } else if (APPLICATION_PLUGIN.test(build)) {
    const script = `build/install/${name}/bin/${name}`;
    task = 'installDist';
    start = { argv: [script], cwd: '.', env: {}, description: script };
    evidence.push('plugin application');
  } else {
    warnings.push(
      `java: ${file} applies neither the Spring Boot nor the application plugin; nothing to run`,
    );
    return { services: [], warnings };
  }
  const wanted = gradleJavaVersion(build);
  const service: ServiceSpec = {
    name: 'web',
    provider: 'java',
    framework,
    root: '.',
    protocol: 'http',
    install: null,
    build: [
      {
        argv: ['gradle', '--no-daemon', task, '-x', 'test'],
        cwd: '.',
        env: {},
        description: `gradle ${task}`,
      },
    ],
    start,
    healthPath,
    env: {},
    evidence,
    ...(wanted === null ? {} : { runtime: { tool: 'java', wanted, source: file } }),
  };
  return { services: [service], warnings };
}
