import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { RepoView } from '../repo/repo-view.js';
import { findDatabaseNeeds } from './needs.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-needs-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let repos = 0;

/** A fixture tree on disk: relative path → content. */
function repo(files: Record<string, string>): RepoView {
  const root = path.join(tmp, `repo-${++repos}`);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  mkdirSync(root, { recursive: true });
  return new RepoView(root);
}

const summary = async (view: RepoView) =>
  (await findDatabaseNeeds(view)).map((n) => `${n.kind}:${n.envVar}`);

describe('findDatabaseNeeds', () => {
  it('reads Python requirements, extras and the env var an .env.example names', async () => {
    const needs = await findDatabaseNeeds(
      repo({
        'requirements.txt': 'flask==3.0\npsycopg2-binary==2.9  # db\ncelery[redis]>=5\n# redis\n',
        '.env.example': 'DB_URL=\nSECRET_KEY=changeme\n',
      }),
    );
    assert.deepEqual(needs, [
      {
        kind: 'postgres',
        envVar: 'DB_URL',
        evidence: ['requirements.txt: psycopg2-binary', '.env.example: DB_URL'],
      },
      { kind: 'redis', envVar: 'REDIS_URL', evidence: ['requirements.txt: celery[redis]'] },
    ]);
  });

  it('reads pyproject (PEP 621 and Poetry), Pipfile and setup.py, one need per kind', async () => {
    const view = repo({
      'pyproject.toml':
        '[project]\nname = "x"\ndescription = "a redis-free app"\ndependencies = ["asyncpg>=0.29"]\n' +
        '[tool.poetry.dependencies]\npython = "^3.11"\npsycopg = { version = "^3", extras = ["binary"] }\n',
      Pipfile: '[packages]\npymysql = "*"\n',
      'setup.py': 'setup(keywords=["redis"], install_requires=["rq>=1.0", "click"])\n',
    });
    const needs = await findDatabaseNeeds(view);
    assert.deepEqual(
      needs.map((n) => [n.kind, n.evidence]),
      [
        ['postgres', ['pyproject.toml: asyncpg', 'pyproject.toml: psycopg[binary]']],
        ['mysql', ['Pipfile: pymysql']],
        ['redis', ['setup.py: rq']],
      ],
    );
  });

  it('reads the Django ENGINE and Redis cache from settings.py', async () => {
    const settings = `DATABASES = {"default": {"ENGINE": "django.db.backends.mysql"}}\nCACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache"}}\n`;
    assert.deepEqual(await summary(repo({ 'mysite/settings.py': settings })), [
      'mysql:DATABASE_URL',
      'redis:REDIS_URL',
    ]);
  });

  it('reads Node dependencies and the Prisma datasource with its env("…") variable', async () => {
    const view = repo({
      'package.json': JSON.stringify({
        dependencies: { ioredis: '^5', '@prisma/client': '^5' },
        devDependencies: { pg: '^8' },
      }),
      'prisma/schema.prisma':
        'datasource db {\n  provider = "mysql"\n  url      = env("MYSQL_URL")\n}\n',
    });
    assert.deepEqual(await summary(view), ['mysql:MYSQL_URL', 'redis:REDIS_URL']);
  });

  it('reads TypeORM, Sequelize and Knex configs', async () => {
    const view = repo({
      'src/data-source.ts':
        "export default new DataSource({ type: 'postgres', url: process.env.PG_URL })\n",
      'config/config.json': JSON.stringify({ development: { dialect: 'mysql' } }),
    });
    assert.deepEqual(await summary(view), ['postgres:PG_URL', 'mysql:DATABASE_URL']);
    assert.deepEqual(await summary(repo({ 'knexfile.js': "module.exports = { client: 'pg' }" })), [
      'postgres:DATABASE_URL',
    ]);
  });

  it('takes the account a tutorial-style db.config.js hard-codes, not values read from the environment', async () => {
    const mysql = await findDatabaseNeeds(
      repo({
        'package.json': JSON.stringify({ dependencies: { mysql2: '3' } }),
        'app/config/db.config.js':
          'module.exports = {\n  HOST: "localhost",\n  USER: "root",\n  PASSWORD: "123456",\n  DB: "testdb"\n};\n',
      }),
    );
    assert.deepEqual(
      mysql.map((n) => [n.kind, n.credentials]),
      [['mysql', { user: 'root', password: '123456', database: 'testdb' }]],
    );
    const pg = await findDatabaseNeeds(
      repo({
        'app/config/db.config.js':
          'module.exports = { HOST: "localhost", USER: "postgres", PASSWORD: "123", DB: "testdb", dialect: "postgres" };\n',
      }),
    );
    assert.deepEqual(pg[0]?.credentials, { user: 'postgres', password: '123', database: 'testdb' });
    const fromEnv = await findDatabaseNeeds(
      repo({
        'db.config.js':
          "module.exports = { dialect: 'postgres', user: process.env.DB_USER, password: process.env.DB_PASSWORD };\n",
      }),
    );
    assert.equal(fromEnv[0]?.credentials, undefined);
  });

  it('reads Maven dependencies (not test scope) and Spring properties', async () => {
    const pom = `<project><dependencies>
      <dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId></dependency>
      <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-data-redis</artifactId></dependency>
      <dependency><groupId>com.mysql</groupId><artifactId>mysql-connector-j</artifactId><scope>test</scope></dependency>
    </dependencies></project>`;
    const view = repo({
      'pom.xml': pom,
      'src/main/resources/application.properties':
        'spring.datasource.url=${JDBC_DATABASE_URL:jdbc:postgresql://localhost:5432/app}\n',
    });
    const needs = await findDatabaseNeeds(view);
    assert.deepEqual(
      needs.map((n) => `${n.kind}:${n.envVar}`),
      ['postgres:JDBC_DATABASE_URL', 'redis:REDIS_URL'],
    );
    assert.ok(needs[0]?.evidence.includes('pom.xml: org.postgresql'));
  });

  it('reads Gradle and a Spring YAML jdbc URL', async () => {
    const view = repo({
      'build.gradle':
        "dependencies {\n  runtimeOnly 'org.mariadb.jdbc:mariadb-java-client'\n  testImplementation 'org.postgresql:postgresql'\n}\n",
      'src/main/resources/application.yml':
        'spring:\n  datasource:\n    url: jdbc:mariadb://localhost/app\n',
    });
    assert.deepEqual(await summary(view), ['mysql:DATABASE_URL']);
  });

  it('reads direct Go requires, not indirect ones', async () => {
    const gomod = `module x\n\nrequire (\n\tgithub.com/jackc/pgx/v5 v5.5.0\n\tgithub.com/redis/go-redis/v9 v9.0.0\n\tgithub.com/go-sql-driver/mysql v1.7.0 // indirect\n)\n`;
    assert.deepEqual(await summary(repo({ 'go.mod': gomod })), [
      'postgres:DATABASE_URL',
      'redis:REDIS_URL',
    ]);
  });

  it('takes kinds and variables from URL schemes and names in example env files, never echoing values', async () => {
    const view = repo({
      '.env.sample':
        'APP_DB=postgresql+psycopg://u:hunter2@localhost/db\nMYSQL_HOST=localhost\nCACHE_URL="rediss://cache:6380"\n',
    });
    const needs = await findDatabaseNeeds(view);
    assert.deepEqual(
      needs.map((n) => `${n.kind}:${n.envVar}`),
      ['postgres:APP_DB', 'mysql:DATABASE_URL', 'redis:CACHE_URL'],
    );
    assert.ok(!JSON.stringify(needs).includes('hunter2'));
  });

  it('finds nothing in an app without a database, and ignores example folders and sqlite', async () => {
    const view = repo({
      'requirements.txt': 'flask\n',
      '.env.example': 'DATABASE_URL=sqlite:///db.sqlite3\n',
      'examples/with-db/requirements.txt': 'psycopg2\n',
      'package.json': '{ not json',
      'pyproject.toml': '[project\n',
    });
    assert.deepEqual(await findDatabaseNeeds(view), []);
  });

  it('prefers texts the caller already read', async () => {
    const view = repo({ 'requirements.txt': 'flask\n' });
    const texts = new Map([['requirements.txt', 'redis\n']]);
    assert.deepEqual(
      (await findDatabaseNeeds(view, texts)).map((n) => n.kind),
      ['redis'],
    );
  });
});
