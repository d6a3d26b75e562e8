import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { copyBrokenFixture } from './broken-corpus-lib.js';
import { cli, copyFixture, parseJson, tempDir } from './helpers.js';

/** Business orchestrators from the CLI: their policies on real runs (issue #14). */
describe('business orchestrators', () => {
  const tmp = tempDir('orchestrators');
  const home = path.join(tmp.dir, 'home');
  const ids: string[] = [];
  after(async () => {
    for (const id of ids) await cli(home, ['stop', id]);
    tmp.cleanup();
  });

  it('its policies hold: a disallowed ecosystem refused, its fix bound applied, its env and custom agents given', async () => {
    const profile = path.join(tmp.dir, 'acme.yaml');
    writeFileSync(profile, 'allowedEcosystems: [node]\nmaxFixes: 0\nenv:\n  ACME_TENANT: acme-1\n');
    const made = await cli(home, [
      'admin-agent',
      'create-business-orchestrator',
      '--business-name',
      'acme',
      '--profile',
      profile,
      '--json',
    ]);
    assert.equal(made.code, 0, made.stderr);
    assert.deepEqual(parseJson(made).profile.allowedEcosystems, ['node']);
    const state = JSON.parse(readFileSync(path.join(home, 'business_state_acme.json'), 'utf8'));
    assert.equal(state.name, 'acme');
    const taken = await cli(home, [
      'admin-agent',
      'create-business-orchestrator',
      '--business-name',
      'acme',
    ]);
    assert.equal(taken.code, 16);
    const badName = await cli(home, [
      'admin-agent',
      'create-business-orchestrator',
      '--business-name',
      'Acme Corp',
    ]);
    assert.equal(badName.code, 2);
    writeFileSync(path.join(tmp.dir, 'bad.yaml'), 'maxFixes: 99\nroot: true\n');
    const badProfile = await cli(home, [
      'admin-agent',
      'create-business-orchestrator',
      '--business-name',
      'beta',
      '--profile',
      path.join(tmp.dir, 'bad.yaml'),
    ]);
    assert.equal(badProfile.code, 2);
    assert.match(badProfile.stderr, /maxFixes/);
    assert.match(badProfile.stderr, /root/);
    assert.deepEqual(
      parseJson(await cli(home, ['admin-agent', 'list-orchestrators', '--json'])).map(
        (o: { name: string }) => o.name,
      ),
      ['acme'],
    );

    // A custom agent enabled for acme only: it prints the orchestrator's env.
    writeFileSync(
      path.join(tmp.dir, 'tenant.yaml'),
      'name: TenantCheck\nphase: health\norchestrators: [acme]\ncommands:\n  - argv: [node, -e, "console.log(\'tenant\', process.env.ACME_TENANT)"]\n',
    );
    assert.equal(
      (
        await cli(home, [
          'admin-agent',
          'create-agent',
          '--spec',
          path.join(tmp.dir, 'tenant.yaml'),
        ])
      ).code,
      0,
    );

    const python = await cli(home, [
      'run',
      copyFixture('python-flask', tmp.dir),
      '--orchestrator',
      'acme',
      '--json',
    ]);
    assert.equal(python.code, 14, python.stdout + python.stderr);
    const refused = parseJson(python);
    ids.push(refused.runId);
    assert.equal(refused.error.code, 'FORBIDDEN');
    assert.match(refused.error.message, /acme allows node; this repository needs python \(web\)/);
    assert.equal(
      refused.phases.find((p: { name: string }) => p.name === 'dependencies')?.status,
      'pending',
    );

    const broken = await cli(home, [
      'run',
      await copyBrokenFixture('permission-denied', tmp.dir),
      '--orchestrator',
      'acme',
      '--json',
    ]);
    const unfixed = parseJson(broken);
    ids.push(unfixed.runId);
    assert.notEqual(unfixed.status, 'healthy');
    assert.equal(unfixed.fixes, undefined, 'maxFixes 0: no fix tried');

    const node = await cli(home, [
      'run',
      copyFixture('node-express', tmp.dir),
      '--orchestrator',
      'acme',
      '--detach',
      '--json',
    ]);
    const ok = parseJson(node);
    ids.push(ok.runId);
    assert.equal(ok.status, 'healthy', node.stdout + node.stderr);
    assert.equal(ok.custom.TenantCheck.status, 'done');
    assert.match(
      readFileSync(path.join(home, 'runs', ok.runId, 'logs', 'agent-TenantCheck.log'), 'utf8'),
      /tenant acme-1/,
    );
    // Without the orchestrator the acme-only agent does not run.
    const plain = parseJson(
      await cli(home, [
        'run',
        copyFixture('node-express', path.join(tmp.dir, 'p')),
        '--detach',
        '--json',
      ]),
    );
    ids.push(plain.runId);
    assert.equal(plain.custom?.TenantCheck, undefined);
    assert.equal((await cli(home, ['run', '.', '--orchestrator', 'nobody'])).code, 15);
  });
});
