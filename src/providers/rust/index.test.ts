import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ServiceSpec } from '../../model/plan.js';
import { onlyService, planDetected, type Tree } from '../temp-tree.test-kit.js';
import { rustProvider } from './index.js';

const planFixture = (files: Tree) => planDetected(rustProvider, files);
const only = onlyService;

const MAIN = 'fn main() { let port = std::env::var("PORT"); }\n';

test('single std-only bin with Cargo.lock: --locked build, no install, runs without a framework', async () => {
  const plan = await planFixture({
    'Cargo.toml': '[package]\nname = "Hello_Srv"\nversion = "0.1.0"\nedition = "2021"\n',
    'Cargo.lock': 'version = 4\n',
    'src/main.rs': MAIN,
  });
  const service = only(plan);
  assert.equal(service.name, 'hello_srv');
  assert.equal(service.provider, 'rust');
  assert.equal(service.framework, null);
  assert.equal(service.root, '.');
  assert.equal(service.install, null);
  assert.deepEqual(service.build, [
    {
      argv: ['cargo', 'build', '--release', '--bin', 'Hello_Srv', '--locked'],
      cwd: '.',
      env: { CARGO_TARGET_DIR: 'target' },
      description: 'cargo build --release --bin Hello_Srv',
    },
  ]);
  assert.deepEqual(service.start.argv, ['target/release/Hello_Srv']);
  assert.equal(service.start.cwd, '.');
  assert.equal(service.runtime, undefined);
  assert.deepEqual(plan.warnings, []);
});

test('axum with dependencies, no lock: cargo fetch install, health route, rust-version runtime', async () => {
  const service = only(
    await planFixture({
      'Cargo.toml':
        '[package]\nname = "api"\nversion = "0.1.0"\nrust-version = "1.75"\n\n[dependencies]\naxum = "0.7"\nhyper = "1"\ntokio = { version = "1", features = ["full"] }\n',
      'src/main.rs': 'let app = Router::new().route("/healthz", get(ok));\n',
    }),
  );
  assert.equal(service.framework, 'axum');
  assert.deepEqual(service.build[0]?.argv, ['cargo', 'build', '--release', '--bin', 'api']);
  assert.deepEqual(service.install, {
    isolation: 'toolchain-cache',
    dir: '.',
    manifests: ['Cargo.toml', 'Cargo.lock'],
    steps: [{ argv: ['cargo', 'fetch'], cwd: '.', env: {}, description: 'cargo fetch' }],
  });
  assert.equal(service.healthPath, '/healthz');
  assert.deepEqual(service.runtime, { tool: 'cargo', wanted: '1.75', source: 'Cargo.toml' });
});

test('[[bin]] entries: default-run picked, the others warned about', async () => {
  const plan = await planFixture({
    'Cargo.toml': [
      '[package]',
      'name = "shop"',
      'default-run = "serve"',
      '[[bin]]',
      'name = "migrate"',
      'path = "src/migrate.rs"',
      '[[bin]]',
      'name = "serve"',
      'path = "src/serve.rs"',
      '[dependencies]',
      'web = { package = "actix-web", version = "4" }',
    ].join('\n'),
    'src/serve.rs': '#[get("/health")]\nasync fn health() {}\n',
    'src/migrate.rs': MAIN,
  });
  const service = only(plan);
  assert.equal(service.name, 'serve');
  assert.equal(service.framework, 'actix-web');
  assert.deepEqual(service.start.argv, ['target/release/serve']);
  assert.equal(service.healthPath, '/health');
  assert.deepEqual(plan.warnings, [
    'rust: picked bin serve of Cargo.toml; others: migrate — override with repo-runner.json',
  ]);
});

test('workspace with two web members and a CLI: one service each, workspace-root target', async () => {
  const plan = await planFixture({
    'Cargo.toml':
      '[workspace]\nmembers = ["crates/*", "tools/cli"]\nexclude = ["crates/old"]\n\n[workspace.package]\nrust-version = "1.80"\n',
    'Cargo.lock': '',
    'crates/api/Cargo.toml':
      '[package]\nname = "api"\nrust-version.workspace = true\n[dependencies]\naxum = { workspace = true }\n',
    'crates/api/src/main.rs': MAIN,
    'crates/admin/Cargo.toml': '[package]\nname = "admin"\n[dependencies]\nrocket = "0.5"\n',
    'crates/admin/src/main.rs': '#[launch]\nfn rocket() -> _ { rocket::build() }\n',
    'crates/core/Cargo.toml': '[package]\nname = "core"\n',
    'crates/core/src/lib.rs': '',
    'crates/old/Cargo.toml': '[package]\nname = "old"\n[dependencies]\nwarp = "0.3"\n',
    'crates/old/src/main.rs': MAIN,
    'tools/cli/Cargo.toml': '[package]\nname = "cli"\n',
    'tools/cli/src/main.rs': MAIN,
  });
  assert.deepEqual(
    plan.services.map((s) => [s.name, s.framework, s.root]),
    [
      ['admin', 'rocket', 'crates/admin'],
      ['api', 'axum', 'crates/api'],
    ],
  );
  const [admin, api] = plan.services as [ServiceSpec, ServiceSpec];
  assert.deepEqual(api.build[0]?.argv, ['cargo', 'build', '--release', '--bin', 'api', '--locked']);
  assert.equal(api.build[0]?.cwd, '.');
  assert.deepEqual(api.start, {
    argv: ['target/release/api'],
    cwd: '.',
    env: {},
    description: 'target/release/api',
  });
  assert.deepEqual(api.install?.manifests, ['Cargo.toml', 'crates/api/Cargo.toml', 'Cargo.lock']);
  assert.deepEqual(api.install?.steps[0]?.argv, ['cargo', 'fetch', '--locked']);
  assert.equal(api.install?.dir, 'crates/api');
  assert.deepEqual(api.runtime, { tool: 'cargo', wanted: '1.80', source: 'Cargo.toml' });
  assert.deepEqual(admin.env, { ROCKET_ADDRESS: '{host}', ROCKET_PORT: '{port}' });
  assert.ok(admin.evidence.includes('rocket reads ROCKET_PORT and ROCKET_ADDRESS, not PORT'));
  assert.ok(
    admin.evidence.includes('workspace members: crates/admin, crates/api, crates/core, tools/cli'),
  );
  assert.deepEqual(plan.warnings, ['rust: not run (no web framework): tools/cli']);
});

test('workspace: a lone bin without a framework runs; several do not', async () => {
  const lone = only(
    await planFixture({
      'Cargo.toml': '[workspace]\nmembers = ["app", "lib"]\n',
      'app/Cargo.toml': '[package]\nname = "app"\n',
      'app/src/main.rs': MAIN,
      'lib/Cargo.toml': '[package]\nname = "lib"\n',
      'lib/src/lib.rs': '',
    }),
  );
  assert.equal(lone.name, 'app');
  assert.equal(lone.root, 'app');

  const several = await planFixture({
    'Cargo.toml': '[workspace]\nmembers = ["a", "b"]\n',
    'a/Cargo.toml': '[package]\nname = "a"\n',
    'a/src/main.rs': MAIN,
    'b/Cargo.toml': '[package]\nname = "b"\n',
    'b/src/bin/tool.rs': MAIN,
  });
  assert.equal(several.services.length, 0);
  assert.match(several.warnings.join('\n'), /bins a, tool depend on no web framework/);
});

test('library crate: no service and a warning; malformed Cargo.toml throws', async () => {
  const lib = await planFixture({
    'Cargo.toml': '[package]\nname = "lib"\n',
    'src/lib.rs': '',
  });
  assert.equal(lib.services.length, 0);
  assert.match(lib.warnings.join('\n'), /no bin target/);
  await assert.rejects(
    planFixture({ 'Cargo.toml': '[package\n' }),
    /Cargo\.toml is not valid TOML/,
  );
  await assert.rejects(
    planFixture({ 'Cargo.toml': '[package]\nname = 3\n' }),
    /Cargo\.toml has an unexpected shape \(package\.name/,
  );
});

test('toolchain files: rust-toolchain.toml channel, legacy rust-toolchain, warp and tiny-http', async () => {
  const toml = only(
    await planFixture({
      'Cargo.toml': '[package]\nname = "w"\nrust-version = "1.70"\n[dependencies]\nwarp = "0.3"\n',
      'rust-toolchain.toml': '[toolchain]\nchannel = "1.79.0"\ncomponents = ["clippy"]\n',
      'src/main.rs': MAIN,
    }),
  );
  assert.equal(toml.framework, 'warp');
  assert.deepEqual(toml.runtime, {
    tool: 'cargo',
    wanted: '1.79.0',
    source: 'rust-toolchain.toml',
  });

  const legacy = only(
    await planFixture({
      'Cargo.toml': '[package]\nname = "t"\n[dependencies]\ntiny-http = "0.12"\n',
      'rust-toolchain': 'stable\n',
      'src/bin/t/main.rs': MAIN,
    }),
  );
  assert.equal(legacy.framework, 'tiny_http');
  assert.deepEqual(legacy.runtime, { tool: 'cargo', wanted: 'stable', source: 'rust-toolchain' });
  assert.deepEqual(legacy.start.argv, ['target/release/t']);
});

test("sqlx's checked macros without offline data: the build needs a database, migrated from migrations/", async () => {
  const cargo =
    '[package]\nname = "api"\nversion = "0.1.0"\n\n[dependencies]\naxum = "0.7"\nsqlx = { version = "0.7", features = ["postgres"] }\n';
  const handler =
    'pub async fn tags(db: &PgPool) { sqlx::query_scalar!("select name from tags").fetch_all(db).await; }\n';
  const files = {
    'Cargo.toml': cargo,
    'src/main.rs': 'mod http;\nfn main() {}\n',
    'src/http/tags.rs': handler,
    'migrations/1_setup.sql': 'create table tags (name text);\n',
  };
  const needs = only(await planFixture(files));
  assert.equal(needs.buildDatabase?.migrations, 'migrations');
  assert.match(
    needs.buildDatabase?.evidence ?? '',
    /src\/http\/tags\.rs uses sqlx's checked query macros/,
  );
  // Offline query data committed (`cargo sqlx prepare`): the build needs no database.
  assert.equal(
    only(await planFixture({ ...files, '.sqlx/query-1.json': '{}' })).buildDatabase,
    undefined,
  );
  assert.equal(
    only(await planFixture({ ...files, 'sqlx-data.json': '{}' })).buildDatabase,
    undefined,
  );
  // sqlx used only through unchecked functions: none either.
  const unchecked = {
    ...files,
    'src/http/tags.rs': 'sqlx::query("select 1").execute(db).await;\n',
  };
  assert.equal(only(await planFixture(unchecked)).buildDatabase, undefined);
});
