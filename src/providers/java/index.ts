import type { RepoView } from '../../repo/repo-view.js';
import { PROVIDER_MARKERS } from '../markers.js';
import type { Detection, Provider, ProviderPlan } from '../types.js';
import { planGradle } from './gradle.js';
import { planMaven } from './maven.js';

/**
 * The Java provider: Maven (`pom.xml`, see `maven.ts`) or, without a pom, Gradle
 * (`build.gradle[.kts]`, see `gradle.ts`). Plans one `web` service: a Spring Boot app run
 * from its jar, or a plain app run from its main class, built with `package` / `bootJar`.
 * A build that produces nothing runnable (a library) gets no service and a warning; a pom.xml
 * that is not XML makes `plan` throw (the registry records it as a warning).
 *
 * @example
 * const detection = await javaProvider.detect(repo);
 * if (detection) (await javaProvider.plan(repo, detection)).services[0]?.start.argv;
 * // ['java', '-jar', 'target/demo-0.0.1-SNAPSHOT.jar', '--server.port={port}', '--server.address={host}']
 */
export const javaProvider: Provider = {
  name: 'java',

  async detect(repo: RepoView): Promise<Detection | null> {
    for (const marker of PROVIDER_MARKERS.java) {
      if (await repo.hasFile(marker)) return { evidence: [marker] };
    }
    return null;
  },

  async plan(repo: RepoView, detection: Detection): Promise<ProviderPlan> {
    return detection.evidence.includes('pom.xml') ? planMaven(repo) : planGradle(repo);
  },
};
