import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  classifyService,
  initScriptsOf,
  secretsOf,
  withFileVariables,
  type Classified,
  type ClassifyInput,
} from './classify.js';
import type { ComposeService } from './compose-schema.js';

function classify(service: ComposeService, shell: Record<string, string> = {}) {
  const warnings: string[] = [];
  const input: ClassifyInput = {
    lookup: (n) => shell[n],
    fileEnv: {},
    warn: (m) => warnings.push(m),
  };
  return { result: classifyService('svc', service, input), warnings };
}
const serviceOf = (c: Classified | null) => c?.service as Record<string, unknown> | undefined;

test('database images get their kind, tag version and documented default credentials', () => {
  const pg = classify({
    image: 'docker.io/library/postgres:16-alpine',
    environment: { POSTGRES_PASSWORD: 'pw' },
  });
  assert.equal(pg.result?.category, 'database');
  assert.deepEqual(serviceOf(pg.result), {
    name: 'svc',
    kind: 'postgres',
    image: 'docker.io/library/postgres:16-alpine',
    version: '16',
    credentials: { user: 'postgres', password: 'pw', database: 'postgres' },
  });
  const mysql = serviceOf(
    classify({ image: 'mysql:8.0', environment: ['MYSQL_ROOT_PASSWORD=root'] }).result,
  );
  assert.deepEqual(mysql?.credentials, { user: 'root', password: 'root', database: null });
  const maria = serviceOf(
    classify({
      image: 'mariadb:11',
      environment: { MARIADB_USER: 'app', MYSQL_PASSWORD: 'pw', MARIADB_DATABASE: 'shop' },
      ports: ['3307:3306'],
    }).result,
  );
  assert.equal(maria?.kind, 'mysql');
  assert.equal(maria?.publishedPort, 3307);
  assert.deepEqual(maria?.credentials, { user: 'app', password: 'pw', database: 'shop' });
  const redis = serviceOf(
    classify({ image: 'valkey/valkey:8', command: 'valkey-server --requirepass s3cret' }).result,
  );
  assert.equal(redis?.kind, 'redis');
  assert.deepEqual(redis?.credentials, { user: 'default', password: 's3cret', database: '0' });
  const postgis = serviceOf(classify({ image: 'postgis/postgis:16-3.4' }).result);
  assert.equal(postgis?.kind, 'postgres');
});

test('other images are unknown, with a helpful variable for well-known backing services', () => {
  const reason = (image: string) => serviceOf(classify({ image }).result)?.reason;
  assert.equal(
    reason('mongo:7'),
    'mongo: no MongoDB server on this machine; set MONGODB_URL to use your own',
  );
  assert.equal(
    reason('docker.elastic.co/elasticsearch/elasticsearch:8.13.0'),
    'elasticsearch: no Elasticsearch server on this machine; set ELASTICSEARCH_URL to use your own',
  );
  assert.match(reason('rabbitmq:3-management') as string, /RabbitMQ broker.*RABBITMQ_URL/);
  assert.match(reason('confluentinc/cp-kafka:7.6.0') as string, /Kafka broker.*KAFKA_BROKERS/);
  assert.match(reason('quay.io/minio/minio') as string, /MinIO.*S3_ENDPOINT/);
  assert.match(reason('memcached:1.6') as string, /memcached server.*MEMCACHED_URL/);
  assert.equal(
    reason('nginx:1.25'),
    'nginx:1.25: no way to run this image without Docker; pass --use-docker when a Docker engine is reachable',
  );
  assert.equal(serviceOf(classify({ image: 'mongo' }).result)?.envVar, 'MONGODB_URL');
});

test('build services: context normalised, env from list form, ports and expose', () => {
  const { result, warnings } = classify(
    {
      build: { context: './services/api/', dockerfile: 'Dockerfile.dev' },
      environment: ['DEBUG=1', 'TOKEN', 'URL=a=b', 'ABSENT'],
      ports: [{ target: '80', published: '8080' }, '9000:9000'],
      depends_on: ['db'],
    },
    { TOKEN: 'from-shell' },
  );
  assert.equal(result?.category, 'build');
  assert.deepEqual(result?.service, {
    name: 'svc',
    context: 'services/api',
    dockerfile: 'Dockerfile.dev',
    environment: { DEBUG: '1', TOKEN: 'from-shell', URL: 'a=b' },
    envFiles: [],
    containerPort: 80,
    publishedPort: 8080,
    dependsOn: ['db'],
  });
  assert.deepEqual(warnings, ['2 ports published; only the first is used']);
  assert.equal(serviceOf(classify({ build: '.', expose: ['3000'] }).result)?.containerPort, 3000);
  assert.equal(serviceOf(classify({ build: '.' }).result)?.context, '.');
});

test('build contexts outside the repository, and services without build or image', () => {
  assert.equal(
    serviceOf(classify({ build: '../shared' }).result)?.reason,
    'build context ../shared is outside the repository',
  );
  assert.match(
    serviceOf(classify({ build: 'https://github.com/acme/app.git#main' }).result)?.reason as string,
    /remote repository/,
  );
  const none = classify({ command: 'true' });
  assert.equal(none.result, null);
  assert.deepEqual(none.warnings, ['has neither build nor image; skipped']);
});

test('initScriptsOf: bind mounts into /docker-entrypoint-initdb.d, inside the repository only', () => {
  assert.deepEqual(
    initScriptsOf({
      image: 'mysql:8',
      volumes: [
        './article.sql:/docker-entrypoint-initdb.d/init.sql',
        './db/init:/docker-entrypoint-initdb.d:ro',
        'data:/var/lib/mysql',
        'named:/docker-entrypoint-initdb.d',
        '/etc/passwd:/docker-entrypoint-initdb.d/x.sql',
        '../outside.sql:/docker-entrypoint-initdb.d/o.sql',
        './conf:/etc/mysql/conf.d',
        { type: 'bind', source: './seed.sql', target: '/docker-entrypoint-initdb.d/02.sql' },
        { type: 'volume', source: 'v', target: '/docker-entrypoint-initdb.d' },
      ],
    }),
    [
      { source: 'article.sql', target: '/docker-entrypoint-initdb.d/init.sql' },
      { source: 'db/init', target: '/docker-entrypoint-initdb.d' },
      { source: 'seed.sql', target: '/docker-entrypoint-initdb.d/02.sql' },
    ],
  );
  assert.deepEqual(initScriptsOf({ image: 'postgres:16' }), []);
});

test('secretsOf: file-backed secrets a service lists, at /run/secrets/<name> or its target', () => {
  const files = { 'db-password': 'db/password.txt', api: 'keys/api.txt' };
  assert.deepEqual(
    secretsOf(
      {
        image: 'x',
        secrets: [
          'db-password',
          { source: 'api', target: 'api_key' },
          { source: 'api', target: '../../etc/passwd' },
          'external-one',
        ],
      },
      files,
    ),
    [
      { source: 'db/password.txt', target: '/run/secrets/db-password' },
      { source: 'keys/api.txt', target: '/run/secrets/api_key' },
    ],
  );
});

test('withFileVariables: *_FILE pointing at a secret fills the variable the image would', () => {
  const text = { '/run/secrets/db-password': 's3cret' };
  assert.deepEqual(
    withFileVariables(
      { MYSQL_ROOT_PASSWORD_FILE: '/run/secrets/db-password', MYSQL_DATABASE: 'x' },
      text,
    ),
    {
      MYSQL_ROOT_PASSWORD_FILE: '/run/secrets/db-password',
      MYSQL_DATABASE: 'x',
      MYSQL_ROOT_PASSWORD: 's3cret',
    },
  );
  // A value given directly wins; an unknown file is left alone.
  const given = { POSTGRES_PASSWORD: 'p', POSTGRES_PASSWORD_FILE: '/run/secrets/db-password' };
  assert.equal(withFileVariables(given, text).POSTGRES_PASSWORD, 'p');
  assert.equal(withFileVariables({ A_FILE: '/elsewhere' }, text).A, undefined);
});
