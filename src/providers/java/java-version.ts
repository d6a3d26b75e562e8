import { text } from './xml-node.js';
import { interpolate, type Pom } from './pom.js';

/**
 * The Java version a pom.xml asks for, as written (`17`, `1.8`), or null. Checked in the
 * order Maven applies them: the compiler plugin's own `<release>` or `<source>` configuration,
 * then the `maven.compiler.release` and `maven.compiler.source` properties (the plugin's
 * defaults), then `java.version` (Spring Boot's parent maps it to the compiler release).
 * Sources: https://maven.apache.org/plugins/maven-compiler-plugin/compile-mojo.html,
 * https://docs.spring.io/spring-boot/maven-plugin/using.html
 */
export function mavenJavaVersion(pom: Pom): string | null {
  const compiler = pom.plugins.find((p) => p.artifactId === 'maven-compiler-plugin');
  const candidates = [
    text(compiler?.configuration, 'release'),
    text(compiler?.configuration, 'source'),
    pom.properties['maven.compiler.release'],
    pom.properties['maven.compiler.source'],
    pom.properties['java.version'],
  ];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === '') continue;
    const value = interpolate(candidate, pom);
    if (!value.includes('${')) return value;
  }
  return null;
}

/**
 * The Java version a Gradle build file (Groovy or Kotlin DSL) asks for, or null: a toolchain
 * `JavaLanguageVersion.of(17)`, else `sourceCompatibility` as `'17'`, `"1.8"`, `17` or
 * `JavaVersion.VERSION_17` / `VERSION_1_8`. Read with regular expressions, there being no
 * Groovy/Kotlin parser to use; a version computed in code is not seen.
 * Source: https://docs.gradle.org/current/userguide/toolchains.html
 */
export function gradleJavaVersion(build: string): string | null {
  const toolchain = /JavaLanguageVersion\.of\(\s*['"]?(\d+)['"]?\s*\)/.exec(build);
  if (toolchain?.[1]) return toolchain[1];
  const source =
    /sourceCompatibility\s*=?\s*(?:JavaVersion\.VERSION_(\d+(?:_\d+)?)|['"]?(\d+(?:\.\d+)?)['"]?)/.exec(
      build,
    );
  if (source?.[1]) return source[1].replace('_', '.');
  return source?.[2] ?? null;
}
