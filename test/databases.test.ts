import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cli, copyFixture, parseJson, processesMatching, tempDir, waitFor } from './helpers.js';

/**
 * Apps on real databases the run provisions itself (PostgreSQL, Redis; MariaDB when a
 * fixture needs it): a request that writes, then one that reads, through the app's HTTP API.
 * After `stop`, no server of the run is left.
 */
describe('databases provisioned by the run', () => {
  const tmp = tempDir('databases');
  const home = path.join(tmp.dir, 'home');
  after(() => tmp.cleanup());

  async function runDetached(fixture: string) {
    const repo = copyFixture(fixture, tmp.dir);
    const out = await cli(home, ['run', repo, '--detach', '--json'], { timeoutMs: 600_000 });
    const report = parseJson(out);
    return { repo, report, out };
  }

  async function stopAndCheck(runId: string) {
    await cli(home, ['stop', runId]);
    const runDir = path.join(home, 'runs', runId);
    assert.ok(
      await waitFor(() => processesMatching(runDir).length === 0, 10_000),
      `database processes of ${runId} still alive: ${processesMatching(runDir).join(', ')}`,
    );
  }

  /**
   * The run's `program` server (its own binary, not the bubblewrap around it) runs
   * sandboxed: in a PID namespace of its own (NSpid has two entries), with no effective
   * capabilities, and as `uid` when given (PostgreSQL's and MariaDB's system accounts).
   */
  function assertServerConfined(runId: string, program: RegExp, uid?: 'not-root') {
    const runDir = path.join(home, 'runs', runId);
    // Redis renames its process title, so its run is found through its parent: the
    // bubblewrap whose command line names the run dir.
    const ofRun = new Set(processesMatching(runDir));
    const parent = (pid: number) =>
      Number(/\)\s+\S+\s+(\d+)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1] ?? 0);
    const servers = readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .map(Number)
      .filter((pid) => {
        try {
          if (!program.test(path.basename(readlinkSync(`/proc/${pid}/exe`)))) return false;
          for (let p = pid; p > 1; p = parent(p)) if (ofRun.has(p)) return true;
          return false;
        } catch {
          return false;
        }
      });
    assert.ok(servers.length > 0, `no ${program} process of ${runId}`);
    for (const pid of servers) {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
      assert.equal(
        field('NSpid').split(/\s+/).length,
        2,
        `${pid} is not in a PID namespace of its own`,
      );
      assert.equal(BigInt(`0x${field('CapEff')}`), 0n, `${pid} keeps capabilities`);
      if (uid === 'not-root' && process.getuid?.() === 0) {
        assert.notEqual(field('Uid').split(/\s+/)[0], '0', `${pid} runs as root`);
      }
    }
  }

  it('compose-app: api + worker built natively, postgres and redis images provisioned locally', async () => {
    const { report, out } = await runDetached('compose-app');
    try {
      assert.equal(report.status, 'healthy', out.stdout + out.stderr);
      const api = report.services.find((s: { name: string }) => s.name === 'api');
      const created = await fetch(new URL('/notes', api.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ body: 'stored in postgres' }),
      });
      assert.equal(created.status, 201);
      const notes = (await (await fetch(new URL('/notes', api.url))).json()) as Array<{
        body: string;
      }>;
      assert.deepEqual(
        notes.map((n: { body: string }) => n.body),
        ['stored in postgres'],
      );
      // The worker writes heartbeats to Redis; the API reads them back.
      assert.ok(
        await waitFor(
          async () => /worker beats [1-9]/.test(await (await fetch(api.url)).text()),
          10_000,
        ),
      );
      assert.equal(
        report.phases.find((p: { name: string }) => p.name === 'database').status,
        'done',
      );
    } finally {
      await stopAndCheck(report.runId);
    }
  });

  it('flask-postgres: DATABASE_URL from .env.example pointed at a run-scoped PostgreSQL', async () => {
    const { report, out } = await runDetached('flask-postgres');
    try {
      assert.equal(report.status, 'healthy', out.stdout + out.stderr);
      assertServerConfined(report.runId, /^postgres$/, 'not-root');
      const url = report.services[0].url;
      const created = await fetch(new URL('/items', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'first' }),
      });
      assert.equal(created.status, 201);
      assert.deepEqual(
        ((await (await fetch(new URL('/items', url))).json()) as Array<{ name: string }>).map(
          (i) => i.name,
        ),
        ['first'],
      );
      assert.match(await (await fetch(url)).text(), /postgresql, 1 items/);
    } finally {
      await stopAndCheck(report.runId);
    }
  });

  it('flask-postgres run again in the same folder: the .env our first run wrote gets the new database', async () => {
    // The first run wrote DATABASE_URL (port, generated password) into the repo's .env; a
    // second run provisions a new server with a new password and port, and must use it.
    const repo = copyFixture('flask-postgres', path.join(tmp.dir, 'again'));
    for (const round of [1, 2]) {
      const out = await cli(home, ['run', repo, '--detach', '--json'], { timeoutMs: 600_000 });
      const report = parseJson(out);
      try {
        assert.equal(report.status, 'healthy', `round ${round}: ${out.stdout}${out.stderr}`);
        assert.match(await (await fetch(report.services[0].url)).text(), /postgresql, 0 items/);
      } finally {
        await stopAndCheck(report.runId);
      }
    }
  });

  it('express-redis: a redis need read from package.json, REDIS_URL given to the app', async () => {
    const { report, out } = await runDetached('express-redis');
    try {
      assert.equal(report.status, 'healthy', out.stdout + out.stderr);
      assertServerConfined(report.runId, /^redis-(server|check-rdb)$/);
      const url = report.services[0].url;
      const first = await (await fetch(url)).text();
      const second = await (await fetch(url)).text();
      const n = (t: string) => Number(/visit (\d+)/.exec(t)?.[1]);
      assert.equal(n(second), n(first) + 1, `${first} / ${second}`);
    } finally {
      await stopAndCheck(report.runId);
    }
  });

  it('django-postgres: migrations create the table on a run-scoped PostgreSQL', async () => {
    const { report, out } = await runDetached('django-postgres');
    try {
      assert.equal(report.status, 'healthy', out.stdout + out.stderr);
      const url = report.services[0].url;
      const created = await fetch(new URL('/notes', url), {
        method: 'POST',
        body: JSON.stringify({ body: 'migrated' }),
      });
      assert.equal(created.status, 201);
      const notes = (await (await fetch(new URL('/notes', url))).json()) as Array<{ body: string }>;
      assert.deepEqual(
        notes.map((n) => n.body),
        ['migrated'],
      );
      assert.match(await (await fetch(url)).text(), /1 notes \(postgresql\)/);
    } finally {
      await stopAndCheck(report.runId);
    }
  });

  it('node-mariadb: a MariaDB server provisioned for a mysql2 app', async () => {
    const { report, out } = await runDetached('node-mariadb');
    try {
      assert.equal(report.status, 'healthy', out.stdout + out.stderr);
      assertServerConfined(report.runId, /^(mariadbd|mysqld)$/, 'not-root');
      const url = report.services[0].url;
      const created = await fetch(new URL('/todos', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'in mariadb' }),
      });
      assert.equal(created.status, 201);
      const todos = (await (await fetch(new URL('/todos', url))).json()) as Array<{
        title: string;
      }>;
      assert.deepEqual(
        todos.map((t) => t.title),
        ['in mariadb'],
      );
      assert.match(await (await fetch(url)).text(), /1 todos \(mariadb\)/);
    } finally {
      await stopAndCheck(report.runId);
    }
  });
});
