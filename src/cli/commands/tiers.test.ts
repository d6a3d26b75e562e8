import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tiersJson, tiersText } from './tiers.js';

describe('repo-runner tiers', () => {
  it('prints the tier table and the authorization matrix', () => {
    const lines = tiersText().split('\n');
    assert.match(
      lines[0]!,
      /^tier\s+index\s+GPU\s+requests\/hour\s+max repos\s+Admin Agent\s+support$/,
    );
    assert.match(lines[1]!, /^free\s+simple\s+none\s+10\s+3\s+no\s+community$/);
    assert.match(lines[6]!, /^developer\s+chroma\s+large\s+10000\s+10000\s+yes\s+developer$/);
    assert.ok(lines.some((l) => /^users:manage\s+-\s+-\s+-\s+-\s+yes\s+yes$/.test(l)));
    assert.ok(lines.some((l) => /^admin-agent\s+-\s+-\s+-\s+-\s+-\s+yes$/.test(l)));
  });

  it('gives the same data as JSON', () => {
    const json = tiersJson();
    assert.deepEqual(
      json.tiers.map((t) => [t.name, t.requestsPerHour, t.maxRepos]),
      [
        ['free', 10, 3],
        ['advanced', 50, 10],
        ['premium', 200, 100],
        ['tester', 100, 50],
        ['admin', 1000, 1000],
        ['developer', 10000, 10000],
      ],
    );
    assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
  });
});
