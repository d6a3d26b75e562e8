import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromSeedsSpelling } from './seeds-aliases.js';

describe("the seeds' --admin_agent spellings", () => {
  it('become admin-agent subcommands with this CLI flags; the login flags are dropped with a note', () => {
    const seeds =
      '--login --username developer --password dev_pass --admin_agent create_business_orchestrator --business_name acme_corp'.split(
        ' ',
      );
    assert.deepEqual(fromSeedsSpelling(seeds), {
      argv: ['admin-agent', 'create-business-orchestrator', '--business-name', 'acme_corp'],
      note: '--login, --username and --password are not needed here: the local CLI is the developer',
    });
    assert.deepEqual(
      fromSeedsSpelling(['--admin_agent', 'intervene', '--orchestrator_id', 'main']).argv,
      ['admin-agent', 'intervene', '--orchestrator', 'main'],
    );
    assert.deepEqual(
      fromSeedsSpelling(['--admin_agent', 'create_agent', '--agent_type', 'x.yaml']).argv,
      ['admin-agent', 'create-agent', '--spec', 'x.yaml'],
    );
  });

  it('leaves every other argv alone', () => {
    assert.deepEqual(fromSeedsSpelling(['run', '.', '--username', 'x']), {
      argv: ['run', '.', '--username', 'x'],
      note: null,
    });
  });
});
