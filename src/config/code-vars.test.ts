import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { RepoView } from '../repo/repo-view.js';
import { codeReadVars, codeRequiredVars } from './code-vars.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-codevars-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('pydantic settings fields without a default and os.environ[...] lookups are required', async () => {
  const files: Record<string, string> = {
    'app/core/config.py': [
      'from typing import ClassVar, Optional',
      'from pydantic_settings import BaseSettings, SettingsConfigDict',
      '',
      'class Settings(BaseSettings):',
      '    model_config = SettingsConfigDict(env_file=".env")',
      '    PROJECT_NAME: str',
      '    POSTGRES_SERVER: str',
      '    POSTGRES_PORT: int = 5432',
      '    SENTRY_DSN: Optional[str] = None',
      '    SMTP_HOST: str | None',
      '    API_V1_STR: str = "/api/v1"',
      '    registry: ClassVar[dict] = {}',
      '    secret_key: str  # signs tokens',
      '',
      'settings = Settings()',
    ].join('\n'),
    'app/other.py':
      'import os\nTOKEN = os.environ["UPSTREAM_TOKEN"]\nDEBUG = os.environ.get("DEBUG")\n',
    'app/prefixed.py':
      'class Cfg(BaseSettings):\n    model_config = {"env_prefix": "x"}\n    class Config:\n        env_prefix = "MY_"\n    name: str\n',
    'tests/test_config.py': 'import os\nos.environ["ONLY_IN_TESTS"]\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    writeFileSync(path.join(tmp, rel), text);
  }
  const vars = await codeRequiredVars(new RepoView(tmp), '.');
  assert.deepEqual(
    vars.map((v) => v.key).sort(),
    ['MY_NAME', 'POSTGRES_SERVER', 'PROJECT_NAME', 'SECRET_KEY', 'UPSTREAM_TOKEN'].sort(),
  );
  assert.equal(vars.find((v) => v.key === 'PROJECT_NAME')?.source, 'app/core/config.py');
});

test('environment reads across languages: process.env (also destructured), os.getenv, os.Getenv, env::var, System.getenv', async () => {
  const dir = path.join(tmp, 'reads');
  const files: Record<string, string> = {
    'src/persistence/mysql.js': [
      'const {',
      '    MYSQL_HOST: HOST,',
      "    MYSQL_DB = 'todos',",
      '    ...rest',
      '} = process.env;',
      "const u = process.env.MYSQL_USER || process.env['MYSQL_PASSWORD'];",
    ].join('\n'),
    'settings.py':
      'import os\nSQL_HOST = os.environ.get("SQL_HOST")\nX = os.getenv(\'SQL_PORT\', 5432)\n',
    'cmd/main.go': 'dsn := os.Getenv("DB_NAME")\nv, ok := os.LookupEnv("DB_USER")\n',
    'src/main.rs': 'let p = std::env::var("PG_PASSWORD").unwrap();\n',
    'src/App.java': 'String h = System.getenv("POSTGRES_HOST");\n',
    'src/app.test.js': 'process.env.ONLY_IN_A_TEST\n',
    'node_modules/dep/index.js': 'process.env.FROM_A_DEPENDENCY\n',
    'types.d.ts': 'process.env.IN_A_DECLARATION\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  const vars = await codeReadVars(new RepoView(dir), '.');
  assert.deepEqual(
    vars.map((v) => v.key).sort(),
    [
      'DB_NAME',
      'DB_USER',
      'MYSQL_DB',
      'MYSQL_HOST',
      'MYSQL_PASSWORD',
      'MYSQL_USER',
      'PG_PASSWORD',
      'POSTGRES_HOST',
      'SQL_HOST',
      'SQL_PORT',
    ].sort(),
  );
  assert.equal(vars.find((v) => v.key === 'MYSQL_DB')?.source, 'src/persistence/mysql.js');
});
