/**
 * The attack of issue #11 through the API, as a self-registered free user would try it: a
 * run whose start command (`overrides.start`, a shell line) probes what it can read, write,
 * reach and change, then serves HTTP so the run comes up healthy. Every refusal is asserted
 * from the file the probe wrote; the store and the user's tier are checked from outside.
 * Root only (the run's own user, network and cgroup need it); in CI it must not skip.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RUN_UID_BASE } from '../src/exec/sandbox-user.js';
import { makeTestApi, readEvents, statusOf, body, type TestApi } from './api-helpers.js';

const isRoot = process.getuid?.() === 0;
const why = "a service user's run executes as its own user only under a root server";
if (!isRoot && process.env.CI === 'true') assert.fail(why);

describe(
  "a free user's run through the API",
  { skip: isRoot ? false : why, timeout: 300_000 },
  () => {
    let t: TestApi;
    let base: string;
    let probes: Record<string, string> = {};
    let run: { id: string };
    let report: { status: string; services: Array<{ url: string }> } | null = null;

    before(async () => {
      t = await makeTestApi({ queue: 'in-process' });
      base = await t.app.listen({ host: '127.0.0.1', port: 0 });
      const port = new URL(base).port;
      const repo = path.join(t.root, 'probe');
      mkdirSync(repo, { recursive: true });
      const store = path.join(t.home, 'repo-runner.db');
      writeFileSync(
        path.join(repo, 'probe.py'),
        [
          'import json, os, socket, sqlite3, http.server',
          'p = {}',
          'p["uid"] = str(os.getuid())',
          `p["store"] = "visible" if os.path.exists(${JSON.stringify(store)}) else "hidden"`,
          'try:',
          '    open("/etc/shadow").read(1); p["shadow"] = "read"',
          'except OSError:',
          '    p["shadow"] = "hidden"',
          'try:',
          `    socket.create_connection(("127.0.0.1", ${port}), 2).close(); p["api"] = "reached"`,
          'except OSError:',
          '    p["api"] = "refused"',
          'try:',
          `    open(${JSON.stringify(path.join(t.root, 'pwned'))}, "w").write("x"); p["write_root"] = "yes"`,
          'except OSError:',
          '    p["write_root"] = "no"',
          'try:',
          `    db = sqlite3.connect(${JSON.stringify(store)})`,
          `    db.execute("update users set tier = 'developer'"); db.commit(); p["tier_change"] = "done"`,
          'except Exception:',
          '    p["tier_change"] = "refused"',
          'try:',
          '    import multiprocessing; multiprocessing.Lock(); p["shm"] = "usable"',
          'except Exception as e:',
          '    p["shm"] = repr(e)',
          'open("probes.json", "w").write(json.dumps(p))',
          'print("PROBES " + json.dumps(p), flush=True)',
          'http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), http.server.SimpleHTTPRequestHandler).serve_forever()',
        ].join('\n'),
      );
      const token = t.users.free.token;
      const created = await fetch(`${base}/api/v1/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          source: 'probe',
          options: { overrides: { start: 'python3 probe.py' }, healthTimeoutMs: 60_000 },
        }),
      });
      assert.equal(created.status, 202, await created.clone().text());
      run = await body(created);
      await readEvents(base, run.id, token, (e) => {
        const s = statusOf(e);
        return s !== null && s !== 'queued' && s !== 'running';
      });
      const detail = await body(
        await fetch(`${base}/api/v1/runs/${run.id}`, {
          headers: { authorization: `Bearer ${token}` },
        }),
      );
      report = detail.report;
      const runDir = path.join(t.home, 'runs', run.id);
      const copy = path.join(runDir, 'workspace', 'probes.json');
      if (existsSync(copy)) probes = JSON.parse(readFileSync(copy, 'utf8'));
    });

    after(async () => {
      if (run?.id)
        await fetch(`${base}/api/v1/runs/${run.id}/stop`, {
          method: 'POST',
          headers: { authorization: `Bearer ${t.users.free.token}` },
        });
      await t?.close();
    });

    it('comes up healthy, so the probes ran inside a working run', () => {
      assert.equal(report?.status, 'healthy', JSON.stringify(report, null, 2));
      assert.ok(probes.uid, 'the probe wrote its findings into its own copy of the repo');
    });

    it("runs as the account's own unprivileged user, not as the server's", () => {
      assert.ok(Number(probes.uid) >= RUN_UID_BASE, `uid ${probes.uid}`);
    });

    it('has a /dev/shm of its own it can use (multiprocessing locks need it)', () => {
      assert.equal(probes.shm, 'usable');
    });

    it('cannot see the store, read root-only files, or reach the API port', () => {
      assert.equal(probes.store, 'hidden');
      assert.equal(probes.shadow, 'hidden');
      assert.equal(probes.api, 'refused');
    });

    it('works on its own copy: the shared folder under the repos root is left as it was', () => {
      assert.equal(probes.write_root, 'no');
      assert.deepEqual(readdirSync(path.join(t.root, 'probe')), ['probe.py']);
      assert.equal(existsSync(path.join(t.root, 'pwned')), false);
    });

    it("cannot change any user: the free user's tier is still free", async () => {
      const me = await body(
        await fetch(`${base}/api/v1/me`, {
          headers: { authorization: `Bearer ${t.users.free.token}` },
        }),
      );
      assert.equal(probes.tier_change, 'refused');
      assert.equal(me.user.tier, 'free', JSON.stringify(me));
    });
  },
);
