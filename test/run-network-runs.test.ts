/**
 * Runs in their own networks, end to end through the CLI (root only; in CI it must not
 * skip): two runs of an app that hard-codes port 8080 are healthy at once, each on its own
 * host port; an app that reaches `db:5432` and `redis:6379` by hard-coded host name finds the
 * run's own PostgreSQL and Redis; a run cannot reach a service on the host's loopback (the
 * API port); `stop` leaves no namespace, relay or pasta; `--network host` still works.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runNetworkName } from '../src/exec/run-network.js';
import { cli, parseJson, tempDir } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const why = 'run networks need root (ip netns, nft, pasta)';
if (!isRoot && process.env.CI === 'true') assert.fail(why);

interface Report {
  runId: string;
  status: string;
  services: Array<{ name: string; url: string | null; port: number | null }>;
}

/** A Python app that ignores PORT: it always listens on 127.0.0.1:8080 and says `who`. */
function hardCodedPortApp(dir: string, who: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'app.py'),
    [
      'import http.server',
      'class H(http.server.BaseHTTPRequestHandler):',
      '    def do_GET(self):',
      '        self.send_response(200); self.end_headers()',
      `        self.wfile.write(b${JSON.stringify(who)})`,
      "http.server.HTTPServer(('127.0.0.1', 8080), H).serve_forever()",
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'repo-runner.json'),
    JSON.stringify({ services: { web: { start: 'python3 app.py' } } }),
  );
}

/** Netns names, relays and pastas of `runId` still around. */
function leftovers(runId: string): string[] {
  const name = runNetworkName(runId);
  const out: string[] = [];
  if (existsSync(`/run/netns/${name}`)) out.push(`netns ${name}`);
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  for (const line of ps.split('\n')) if (line.includes(name)) out.push(line.trim());
  return out;
}

describe('runs in their own network', { skip: isRoot ? false : why, timeout: 600_000 }, () => {
  const { dir, cleanup } = tempDir('run-net');
  const home = path.join(dir, 'home');
  const started: string[] = [];
  // A stand-in for the API port and the store's PostgreSQL: a service on the host's loopback.
  const hostService = net.createServer((s) => s.end('host-secret\n'));
  let hostPort = 0;

  before(async () => {
    await new Promise<void>((r) => hostService.listen(0, '127.0.0.1', r));
    hostPort = (hostService.address() as net.AddressInfo).port;
  });

  after(async () => {
    for (const runId of started) await cli(home, ['stop', runId]);
    hostService.close();
    cleanup();
  });

  const run = async (repo: string, extra: string[] = []): Promise<Report> => {
    const r = await cli(home, ['run', repo, '--detach', '--json', ...extra]);
    const report = parseJson<Report>(r);
    started.push(report.runId);
    return report;
  };

  /** GET `url` until it answers (a detached run's supervisor publishes its ports again). */
  const get = async (url: string): Promise<string> => {
    for (let i = 0; ; i++) {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        return await res.text();
      } catch (err) {
        if (i >= 60) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  };

  it('two runs of an app hard-coding port 8080 are healthy at once, each on its own host port', async () => {
    hardCodedPortApp(path.join(dir, 'one'), 'I am one');
    hardCodedPortApp(path.join(dir, 'two'), 'I am two');
    const [one, two] = [await run(path.join(dir, 'one')), await run(path.join(dir, 'two'))];
    assert.equal(one.status, 'healthy', JSON.stringify(one));
    assert.equal(two.status, 'healthy', JSON.stringify(two));
    const [u1, u2] = [one.services[0]?.url, two.services[0]?.url];
    assert.ok(u1 && u2 && u1 !== u2, `two different host URLs: ${u1} ${u2}`);
    assert.equal(await get(u1), 'I am one');
    assert.equal(await get(u2), 'I am two');
  });

  it('an app reaching db:5432 and redis:6379 by host name finds the run’s own servers', async () => {
    const repo = path.join(dir, 'hostnames');
    mkdirSync(repo, { recursive: true });
    // The databases are asked for the way apps show them; the code ignores those variables.
    writeFileSync(
      path.join(repo, '.env.example'),
      'DATABASE_URL=postgresql://app:secret@db:5432/app\nREDIS_URL=redis://redis:6379/0\n',
    );
    writeFileSync(
      path.join(repo, 'app.py'),
      [
        'import http.server, os, socket',
        'def pg():',
        "    s = socket.create_connection(('db', 5432), 3)",
        "    s.sendall((8).to_bytes(4, 'big') + (80877103).to_bytes(4, 'big'))  # SSLRequest",
        '    return s.recv(1) in (b"N", b"S")',
        'def redis():',
        "    s = socket.create_connection(('redis', 6379), 3)",
        "    s.sendall(b'PING\\r\\n')",
        "    return s.recv(16).startswith(b'+PONG')",
        'class H(http.server.BaseHTTPRequestHandler):',
        '    def do_GET(self):',
        '        ok = pg() and redis()',
        '        self.send_response(200 if ok else 500); self.end_headers()',
        "        self.wfile.write(b'both' if ok else b'missing')",
        "http.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()",
      ].join('\n'),
    );
    writeFileSync(
      path.join(repo, 'repo-runner.json'),
      JSON.stringify({ services: { web: { start: 'python3 app.py' } } }),
    );
    const report = await run(repo);
    assert.equal(report.status, 'healthy', JSON.stringify(report));
    assert.equal(await get(report.services[0]?.url ?? ''), 'both');
  });

  it("cannot reach a service on the host's own loopback (the API port)", async () => {
    const repo = path.join(dir, 'reach');
    mkdirSync(repo, { recursive: true });
    writeFileSync(
      path.join(repo, 'probe.py'),
      [
        'import os, socket, http.server',
        'try:',
        `    socket.create_connection(('127.0.0.1', ${hostPort}), 2).recv(64)`,
        "    seen = 'reached'",
        'except OSError as e:',
        "    seen = 'refused'",
        "open('reach.txt', 'w').write(seen)",
        "http.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), http.server.SimpleHTTPRequestHandler).serve_forever()",
      ].join('\n'),
    );
    writeFileSync(
      path.join(repo, 'repo-runner.json'),
      JSON.stringify({ services: { web: { start: 'python3 probe.py' } } }),
    );
    const report = await run(repo);
    assert.equal(report.status, 'healthy', JSON.stringify(report));
    assert.equal(readFileSync(path.join(repo, 'reach.txt'), 'utf8'), 'refused');
    // The same probe on the host's network reaches it: the refusal above is the network's.
    const hostRun = await run(repo, ['--network', 'host']);
    assert.equal(hostRun.status, 'healthy', JSON.stringify(hostRun));
    assert.equal(readFileSync(path.join(repo, 'reach.txt'), 'utf8'), 'reached');
    assert.deepEqual(leftovers(hostRun.runId), [], '--network host makes no namespace');
  });

  it('stop leaves no namespace, relay or pasta behind', async () => {
    assert.ok(started.length >= 3);
    const reports = started.map((id) => id);
    for (const runId of reports) {
      const r = await cli(home, ['stop', runId]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(leftovers(runId), [], `run ${runId}`);
    }
    started.length = 0;
  });
});
