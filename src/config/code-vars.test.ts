import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { RepoView } from '../repo/repo-view.js';
import { codeRequiredVars } from './code-vars.js';

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
