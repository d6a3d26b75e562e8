import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlyService, planDetected, planWith, type Tree } from '../temp-tree.test-kit.js';
import { goProvider } from './index.js';

const planFixture = (files: Tree) => planDetected(goProvider, files);
const only = onlyService;

const main = (imports: string[], body = '') =>
  `package main\n\nimport (\n${imports.map((i) => `\t"${i}"`).join('\n')}\n)\n\nfunc main() {\n${body}}\n`;

test('stdlib root main: net/http, no install, build into .repo-runner/bin, go line runtime', async () => {
  const plan = await planFixture({
    'go.mod': 'module example.com/hello\n\ngo 1.22\n',
    'main.go': main(
      ['net/http', 'os'],
      '\thttp.HandleFunc("GET /healthz", nil)\n\thttp.ListenAndServe(":"+os.Getenv("PORT"), nil)\n',
    ),
    'main_test.go': 'package main\n',
  });
  const service = only(plan);
  assert.equal(service.name, 'hello');
  assert.equal(service.provider, 'go');
  assert.equal(service.framework, 'net/http');
  assert.equal(service.install, null);
  assert.deepEqual(
    service.build.map((b) => b.argv),
    [['go', 'build', '-o', '.repo-runner/bin/hello', '.']],
  );
  assert.deepEqual(service.start.argv, ['.repo-runner/bin/hello']);
  assert.equal(service.start.cwd, '.');
  assert.equal(service.healthPath, '/healthz');
  assert.deepEqual(service.runtime, { tool: 'go', wanted: '1.22', source: 'go.mod' });
  assert.deepEqual(service.env, {});
  assert.deepEqual(plan.warnings, []);
  assert.ok(service.evidence.includes('main package: the root package'));
});

test('gin in cmd/<module name>: go mod download, GIN_MODE=release, /health found', async () => {
  const plan = await planFixture({
    'go.mod': [
      'module github.com/acme/shop/v2',
      '',
      'go 1.21.5',
      'toolchain go1.22.1',
      '',
      'require (',
      '\tgithub.com/gin-gonic/gin v1.10.1',
      '\tgithub.com/bytedance/sonic v1.11.6 // indirect',
      ')',
    ].join('\n'),
    'go.sum': '',
    'cmd/shop/main.go': main(
      ['github.com/gin-gonic/gin'],
      '\tr := gin.New()\n\tr.GET("/health", nil)\n',
    ),
    'cmd/migrate/main.go': main(['fmt']),
    'internal/db/db.go': 'package db\n',
  });
  const service = only(plan);
  assert.equal(service.name, 'shop');
  assert.equal(service.framework, 'gin');
  assert.deepEqual(service.env, { GIN_MODE: 'release' });
  assert.deepEqual(service.install, {
    isolation: 'toolchain-cache',
    dir: '.',
    manifests: ['go.mod', 'go.sum'],
    steps: [{ argv: ['go', 'mod', 'download'], cwd: '.', env: {}, description: 'go mod download' }],
  });
  assert.deepEqual(service.build[0]?.argv, [
    'go',
    'build',
    '-o',
    '.repo-runner/bin/shop',
    './cmd/shop',
  ]);
  assert.deepEqual(service.start.argv, ['.repo-runner/bin/shop']);
  assert.equal(service.healthPath, '/health');
  assert.deepEqual(service.runtime, { tool: 'go', wanted: '1.21.5', source: 'go.mod' });
  assert.deepEqual(plan.warnings, [
    'go: picked cmd/shop; others: cmd/migrate — override with repo-runner.json',
  ]);
});

test('several cmd dirs: api preferred over the first in name order, with a warning', async () => {
  const plan = await planFixture({
    'go.mod':
      'module example.com/platform\n\ngo 1.22\n\nrequire github.com/labstack/echo/v4 v4.12.0\n',
    'go.sum': '',
    'cmd/api/main.go': main(['github.com/labstack/echo/v4']),
    'cmd/admin/main.go': main(['fmt']),
    'cmd/worker/main.go': main(['fmt']),
    'cmd/lib/lib.go': 'package lib\n',
  });
  const service = only(plan);
  assert.equal(service.name, 'api');
  assert.equal(service.framework, 'echo');
  assert.deepEqual(plan.warnings, [
    'go: picked cmd/api; others: cmd/admin, cmd/worker — override with repo-runner.json',
  ]);
});

test('root main wins over cmd/ dirs; a //go:build ignore generator is not a main package', async () => {
  const rootWins = await planFixture({
    'go.mod': 'module example.com/site\n\ngo 1.22\n',
    'main.go': main(['net/http']),
    'cmd/tool/main.go': main(['fmt']),
  });
  assert.deepEqual(only(rootWins).build[0]?.argv.at(-1), '.');
  assert.match(rootWins.warnings.join('\n'), /picked the root package; others: cmd\/tool/);

  const generator = await planFixture({
    'go.mod': 'module example.com/lib\n\ngo 1.22\n',
    'gen.go': `//go:build ignore\n\n${main(['fmt'])}`,
    'lib.go': 'package lib\n',
  });
  assert.equal(generator.services.length, 0);
  assert.match(generator.warnings.join('\n'), /no main package/);
});

test('fiber, chi and gorilla/mux from go.mod; indirect requires and vendored modules', async () => {
  const frameworkOf = async (require: string) =>
    only(
      await planFixture({
        'go.mod': `module example.com/app\n\ngo 1.22\n\nrequire (\n\t${require}\n)\n`,
        'main.go': main(['net/http']),
      }),
    ).framework;
  assert.equal(await frameworkOf('github.com/gofiber/fiber/v2 v2.52.5'), 'fiber');
  assert.equal(await frameworkOf('github.com/go-chi/chi/v5 v5.1.0'), 'chi');
  assert.equal(await frameworkOf('github.com/gorilla/mux v1.8.1'), 'gorilla-mux');
  assert.equal(await frameworkOf('github.com/gin-gonic/gin v1.10.1 // indirect'), 'net/http');

  const vendored = only(
    await planFixture({
      'go.mod': 'module example.com/app\n\ngo 1.22\n\nrequire github.com/go-chi/chi/v5 v5.1.0\n',
      'vendor/modules.txt': '# github.com/go-chi/chi/v5 v5.1.0\n',
      'main.go': main(['github.com/go-chi/chi/v5']),
    }),
  );
  assert.equal(vendored.install, null);
  assert.equal(vendored.framework, 'chi');

  const unsummed = await planFixture({
    'go.mod': 'module example.com/app\n\ngo 1.22\n\nrequire github.com/go-chi/chi/v5 v5.1.0\n',
    'main.go': main(['github.com/go-chi/chi/v5']),
  });
  assert.match(unsummed.warnings.join('\n'), /no go\.sum: .*go mod tidy/);
});

test('no framework and no net/http import: framework null, name from the module', async () => {
  const service = only(
    await planFixture({
      'go.mod': 'module tool\n',
      'main.go': main(['fmt']),
    }),
  );
  assert.equal(service.framework, null);
  assert.equal(service.name, 'tool');
  assert.equal(service.runtime, undefined);
});

test('detect: only a root go.mod', async () => {
  assert.equal(await planWith(goProvider, { 'svc/go.mod': 'module x\n' }), null);
});

test('no main at the root or in cmd/: a first-level folder that is a main package (app/)', async () => {
  const plan = await planFixture({
    'go.mod': 'module github.com/x/clean\n\ngo 1.22\n',
    'app/main.go': main(['net/http']),
    'internal/rest/handler.go': 'package rest\n',
    'domain/article.go': 'package domain\n',
  });
  assert.equal(plan.services.length, 1);
  assert.match(plan.services[0]!.build.map((b) => b.argv.join(' ')).join(' '), /\.\/app/);
});
