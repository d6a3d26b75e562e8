import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withTree } from '../providers/temp-tree.test-kit.js';
import { exampleConfigCopies, pointJsonConfigAt } from './example-files.js';

test('config files shipped only as examples are found; env, compose, docs and existing targets are not', async () => {
  const copies = await withTree(
    {
      'src/config.ts.example': "export const SECRET = 'secret-key';\n",
      'ormconfig.json.example': '{}',
      'config.example.json': '{}',
      'settings/local.py.sample': '',
      'app.json.dist': '{}',
      'app.json': '{}',
      '.env.example': 'A=1\n',
      'docker-compose.override.yml.example': '',
      'README.md.template': '',
      'tests/fixture.json.example': '{}',
    },
    (repo) => exampleConfigCopies(repo, '.'),
  );
  assert.deepEqual(copies.map((c) => `${c.example} -> ${c.target}`).sort(), [
    'config.example.json -> config.json',
    'ormconfig.json.example -> ormconfig.json',
    'settings/local.py.sample -> settings/local.py',
    'src/config.ts.example -> src/config.ts',
  ]);
});

test('a JSON ORM config is pointed at the run database, environments included; other JSON is left', () => {
  const db = { host: '127.0.0.1', port: 3306, user: 'app', password: 'pw', database: 'appdb' };
  const typeorm = JSON.parse(
    pointJsonConfigAt(
      JSON.stringify({
        type: 'mysql',
        host: 'localhost',
        port: 3306,
        username: 'your-mysql-username',
        password: 'your-mysql-password',
        database: 'nestjsrealworld',
        entities: ['src/**/**.entity{.ts,.js}'],
      }),
      db,
    ) ?? 'null',
  );
  assert.equal(typeorm.username, 'app');
  assert.equal(typeorm.password, 'pw');
  assert.equal(typeorm.database, 'appdb');
  assert.deepEqual(typeorm.entities, ['src/**/**.entity{.ts,.js}']);
  const sequelize = JSON.parse(
    pointJsonConfigAt(
      JSON.stringify({
        development: { username: 'root', password: null, database: 'dev', host: '127.0.0.1' },
        test: { username: 'root', password: null, database: 'test', host: '127.0.0.1' },
      }),
      db,
    ) ?? 'null',
  );
  assert.equal(sequelize.development.database, 'appdb');
  assert.equal(sequelize.test.port, 3306);
  assert.equal(pointJsonConfigAt('{"greeting": "hi", "page_size": 20}', db), null);
  assert.equal(pointJsonConfigAt('not json', db), null);
});
