import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ServiceSpecSchema, type ServiceSpec } from '../../model/plan.js';
import { RepoView } from '../../repo/repo-view.js';
import type { ProviderPlan } from '../types.js';
import { GRADLE_WARNING } from './gradle.js';
import { javaProvider } from './index.js';

/** Writes `files` (a `+x` suffix on a name makes it executable) into a temp dir and plans it. */
async function planFixture(files: Record<string, string>, dirName = 'app'): Promise<ProviderPlan> {
  const base = await mkdtemp(path.join(tmpdir(), 'rr-java-'));
  const dir = path.join(base, dirName);
  try {
    for (const [name, content] of Object.entries(files)) {
      const rel = name.replace(/\+x$/, '');
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), content);
      if (name.endsWith('+x')) await chmod(path.join(dir, rel), 0o755);
    }
    const repo = new RepoView(dir);
    const detection = await javaProvider.detect(repo);
    assert.ok(detection, 'java provider should detect the fixture');
    const plan = await javaProvider.plan(repo, detection);
    for (const service of plan.services) ServiceSpecSchema.parse(service);
    return plan;
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

function only(plan: ProviderPlan): ServiceSpec {
  assert.equal(plan.services.length, 1, `warnings: ${plan.warnings.join('; ')}`);
  return plan.services[0] as ServiceSpec;
}

const BOOT_POM = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>3.3.0</version>
  </parent>
  <artifactId>demo</artifactId>
  <version>0.0.1-SNAPSHOT</version>
  <properties><java.version>21</java.version></properties>
  <dependencies>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-actuator</artifactId></dependency>
  </dependencies>
  <build><plugins>
    <plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId></plugin>
  </plugins></build>
</project>`;

const PLAIN_POM = (deps = '') => `<project>
  <groupId>com.example</groupId><artifactId>hello</artifactId><version>1.0</version>
  <properties><maven.compiler.release>17</maven.compiler.release></properties>
  <dependencies>${deps}
    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><scope>test</scope></dependency>
  </dependencies>
  <build><plugins><plugin>
    <artifactId>maven-jar-plugin</artifactId>
    <configuration><archive><manifest><mainClass>com.example.Main</mainClass></manifest></archive></configuration>
  </plugin></plugins></build>
</project>`;

test('Spring Boot (Maven) with actuator: package, java -jar with the pom name, actuator health', async () => {
  const s = only(await planFixture({ 'pom.xml': BOOT_POM }));
  assert.equal(s.provider, 'java');
  assert.equal(s.framework, 'spring-boot');
  assert.deepEqual(s.build[0]?.argv, ['mvn', '-q', '-B', '-DskipTests', 'package']);
  assert.deepEqual(s.start.argv, [
    'java',
    '-jar',
    'target/demo-0.0.1-SNAPSHOT.jar',
    '--server.port={port}',
    '--server.address={host}',
  ]);
  assert.equal(s.healthPath, '/actuator/health');
  assert.equal(s.install, null);
  assert.deepEqual(s.runtime, { tool: 'java', wanted: '21', source: 'pom.xml' });
});

test('Spring Boot: finalName, classifier, and repackage added when nothing binds it', async () => {
  const pom = `<project><artifactId>api</artifactId><version>2.0</version>
    <properties><revision>9</revision></properties>
    <build><finalName>\${project.artifactId}-r\${revision}</finalName><plugins><plugin>
      <artifactId>spring-boot-maven-plugin</artifactId><configuration><classifier>exec</classifier></configuration>
    </plugin></plugins></build></project>`;
  const s = only(await planFixture({ 'pom.xml': pom }));
  assert.equal(s.start.argv[2], 'target/api-r9-exec.jar');
  assert.deepEqual(s.build[0]?.argv.slice(4), ['package', 'spring-boot:repackage']);
  assert.equal(s.healthPath, null);
});

test('plain Maven app with a jar-plugin mainClass: java -cp target/classes', async () => {
  const s = only(
    await planFixture({
      'pom.xml': PLAIN_POM(),
      'src/main/java/com/example/Main.java': 'server.createContext("/health", h);',
    }),
  );
  assert.equal(s.framework, null);
  assert.deepEqual(s.build[0]?.argv, ['mvn', '-q', '-B', '-DskipTests', 'package']);
  assert.deepEqual(s.start.argv, ['java', '-cp', 'target/classes', 'com.example.Main']);
  assert.equal(s.healthPath, '/health');
  assert.deepEqual(s.runtime, { tool: 'java', wanted: '17', source: 'pom.xml' });
});

test('plain Maven app with runtime dependencies copies them and puts them on the class path', async () => {
  const dep =
    '<dependency><groupId>com.google.code.gson</groupId><artifactId>gson</artifactId></dependency>';
  const s = only(await planFixture({ 'pom.xml': PLAIN_POM(dep) }));
  assert.deepEqual(s.build[0]?.argv.slice(4), [
    'package',
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
  ]);
  assert.deepEqual(s.start.argv.slice(0, 3), ['java', '-cp', 'target/classes:target/dependency/*']);
});

test('exec-maven-plugin mainClass and compiler-plugin release are found', async () => {
  const pom = `<project><artifactId>x</artifactId><version>1</version>
    <properties><maven.compiler.source>1.8</maven.compiler.source><jdk>11</jdk></properties>
    <build><plugins>
      <plugin><artifactId>maven-compiler-plugin</artifactId><configuration><release>\${jdk}</release></configuration></plugin>
      <plugin><groupId>org.codehaus.mojo</groupId><artifactId>exec-maven-plugin</artifactId>
        <configuration><mainClass>app.Server</mainClass></configuration></plugin>
    </plugins></build></project>`;
  const s = only(await planFixture({ 'pom.xml': pom }));
  assert.deepEqual(s.start.argv, ['java', '-cp', 'target/classes', 'app.Server']);
  assert.equal(s.runtime?.wanted, '11');
});

test('./mvnw is used when executable, mvn when it is not', async () => {
  const withWrapper = only(await planFixture({ 'pom.xml': BOOT_POM, 'mvnw+x': '#!/bin/sh\n' }));
  assert.equal(withWrapper.build[0]?.argv[0], './mvnw');
  const notExecutable = only(await planFixture({ 'pom.xml': BOOT_POM, mvnw: '#!/bin/sh\n' }));
  assert.equal(notExecutable.build[0]?.argv[0], 'mvn');
  assert.ok(notExecutable.evidence.some((e) => e.includes('not executable')));
});

test('multi-module Maven: the first runnable module, built with -pl -am from the root', async () => {
  const root = `<project><artifactId>parent</artifactId><version>3.1</version><packaging>pom</packaging>
    <parent><artifactId>spring-boot-starter-parent</artifactId></parent>
    <properties><java.version>17</java.version></properties>
    <modules><module>lib</module><module>app</module></modules></project>`;
  const lib =
    '<project><artifactId>lib</artifactId><parent><version>3.1</version></parent></project>';
  const app = `<project><artifactId>app</artifactId><parent><version>3.1</version></parent>
    <build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build></project>`;
  const s = only(await planFixture({ 'pom.xml': root, 'lib/pom.xml': lib, 'app/pom.xml': app }));
  assert.equal(s.root, 'app');
  assert.equal(s.start.cwd, 'app');
  assert.deepEqual(s.build[0]?.argv, [
    'mvn',
    '-q',
    '-B',
    '-DskipTests',
    '-pl',
    'app',
    '-am',
    'package',
  ]);
  assert.equal(s.start.argv[2], 'target/app-3.1.jar');
  assert.equal(s.runtime?.wanted, '17');
});

test('a Maven library has no service; invalid XML throws', async () => {
  const plan = await planFixture({ 'pom.xml': '<project><artifactId>lib</artifactId></project>' });
  assert.equal(plan.services.length, 0);
  assert.match(plan.warnings[0] ?? '', /no runnable app/);
  await assert.rejects(planFixture({ 'pom.xml': '<project><artifactId>' }), /not valid XML/);
});

test('Gradle Spring Boot: gradle bootJar with a warning, jar named from settings and version', async () => {
  const plan = await planFixture({
    'build.gradle': `plugins {
  id 'java'
  id 'org.springframework.boot' version '3.3.0'
}
version = '0.0.1-SNAPSHOT'
java { toolchain { languageVersion = JavaLanguageVersion.of(21) } }
dependencies { implementation 'org.springframework.boot:spring-boot-starter-actuator' }
`,
    'settings.gradle': "rootProject.name = 'demo'\n",
    'gradlew+x': '#!/bin/sh\n',
  });
  const s = only(plan);
  assert.deepEqual(plan.warnings, [GRADLE_WARNING]);
  assert.deepEqual(s.build[0]?.argv, ['gradle', '--no-daemon', 'bootJar', '-x', 'test']);
  assert.deepEqual(s.start.argv, [
    'java',
    '-jar',
    'build/libs/demo-0.0.1-SNAPSHOT.jar',
    '--server.port={port}',
    '--server.address={host}',
  ]);
  assert.equal(s.healthPath, '/actuator/health');
  assert.deepEqual(s.runtime, { tool: 'java', wanted: '21', source: 'build.gradle' });
});

test('Gradle Kotlin DSL: application plugin, name from the directory, no version', async () => {
  const plan = await planFixture(
    {
      'build.gradle.kts': `plugins {\n    application\n}\njava { sourceCompatibility = JavaVersion.VERSION_17 }\n`,
    },
    'my-tool',
  );
  const s = only(plan);
  assert.deepEqual(s.build[0]?.argv, ['gradle', '--no-daemon', 'installDist', '-x', 'test']);
  assert.deepEqual(s.start.argv, ['build/install/my-tool/bin/my-tool']);
  assert.equal(s.runtime?.wanted, '17');
  const boot = only(
    await planFixture(
      { 'build.gradle.kts': 'plugins { id("org.springframework.boot") version "3.3.0" }' },
      'svc',
    ),
  );
  assert.equal(boot.start.argv[2], 'build/libs/svc.jar');
});
