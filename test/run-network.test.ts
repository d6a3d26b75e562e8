/**
 * The per-run network for real (root only; in CI it must not skip): two runs with the same
 * hard-coded port, host names resolving to the run's own loopback, the blocks proven
 * against listeners this test puts on private, link-local and host addresses of its own
 * namespaces and interfaces (never anything off this machine), and nothing left after close.
 */
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import getPort from 'get-port';
import {
  createRunNetwork,
  DEFAULT_STATE_DIR,
  removeStaleRunNetwork,
  runNetworkName,
  type RunNetwork,
} from '../src/exec/run-network.js';
import { isProcessAlive } from '../src/exec/process-group.js';
import { ROOT } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const why = 'run networks need root (ip netns, nft, pasta)';
if (!isRoot && process.env.CI === 'true') assert.fail(why);

/** Outer limit: the whole file, whatever hangs, in 3 minutes. */
const FILE_LIMIT_MS = 180_000;
const tag = String(process.pid % 100000);
const children = new Set<ChildProcess>();
const networks = new Set<RunNetwork>();
const work = mkdtempSync(path.join(os.tmpdir(), 'rr-net-'));

/** A node TCP/HTTP server answering `body`, started under `prefix`; resolves once listening. */
async function serve(prefix: string[], port: number, body: string, host = '127.0.0.1') {
  const code = `require('http').createServer((q,s)=>s.end(${JSON.stringify(body)}))
    .listen(${port},${JSON.stringify(host)},()=>console.log('up'))`;
  const argv = [...prefix, process.execPath, '-e', code];
  const child = spawn(argv[0] ?? '', argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => c.toString().includes('up') && resolve());
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return child;
}

/** GET http://host:port/ from inside `prefix` (2 s limit): the body, or the error code. */
function probe(prefix: string[], host: string, port: number): string {
  const code = `const r=require('http').get({host:${JSON.stringify(host)},port:${port},timeout:2000},
    (s)=>{let b='';s.on('data',(c)=>b+=c);s.on('end',()=>{console.log('BODY:'+b)})});
    r.on('timeout',()=>{console.log('ERR:TIMEOUT');r.destroy()});
    r.on('error',(e)=>console.log('ERR:'+(e.code||e.message)))`;
  const argv = [...prefix, process.execPath, '-e', code];
  const out = execFileSync(argv[0] ?? '', argv.slice(1), { timeout: 10_000 })
    .toString()
    .trim();
  return out.replace(/^BODY:/, '');
}

/**
 * A one-name DNS server for `node -e`: answers A registry.test with 203.0.113.5 (a
 * documentation address nobody dials here), nothing else, and prints each name asked.
 */
const FAKE_DNS = `const s=require('dgram').createSocket('udp4');
s.on('message',(q,f)=>{let i=12;const l=[];while(q[i]){l.push(q.subarray(i+1,i+1+q[i]).toString());i+=q[i]+1}
const n=l.join('.');const a=q.readUInt16BE(i+1)===1&&n==='registry.test';console.log('Q '+n);
const h=Buffer.from(q.subarray(0,12));h.writeUInt16BE(0x8180,2);h.writeUInt16BE(1,4);h.writeUInt16BE(a?1:0,6);h.writeUInt32BE(0,8);
const ans=a?Buffer.from([0xc0,12,0,1,0,1,0,0,0,60,0,4,203,0,113,5]):Buffer.alloc(0);
s.send(Buffer.concat([h,q.subarray(12,i+5),ans]),f.port,f.address)});
s.bind(53,'0.0.0.0',()=>console.log('up'))`;

async function hostGet(port: number, agent: http.Agent | false = false): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, agent }, (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => resolve(b));
      })
      .on('error', reject);
  });
}

async function newNetwork(runId: string, outbound: boolean, hostNames: string[] = []) {
  await removeStaleRunNetwork(`${runId}-${tag}`);
  const net = await createRunNetwork({
    runId: `${runId}-${tag}`,
    runDir: path.join(work, runId),
    hostNames,
    outbound,
  });
  networks.add(net);
  // Outbound comes up in the background; every test here wants the whole network.
  await net.outbound();
  return net;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sh = (...argv: string[]) =>
  execFileSync(argv[0] ?? '', argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

describe('run network', { skip: isRoot ? false : why, timeout: FILE_LIMIT_MS }, () => {
  const watchdog = setTimeout(() => {
    for (const c of children) c.kill('SIGKILL');
  }, FILE_LIMIT_MS);
  watchdog.unref();

  after(async () => {
    clearTimeout(watchdog);
    for (const c of children) c.kill('SIGKILL');
    await Promise.all([...networks].map((n) => n.close()));
    rmSync(work, { recursive: true, force: true });
  });

  test('a published port reaches an app on ::1 only; nothing listening inside resets the connection', async () => {
    const n = await newNetwork('v6', false);
    await serve(n.prefix(), 8081, 'on ::1', '::1');
    const [p6, none] = [await getPort({ host: '127.0.0.1' }), await getPort({ host: '127.0.0.1' })];
    await n.publish(p6, 8081);
    assert.equal(await hostGet(p6), 'on ::1');
    await n.publish(none, 8099);
    await assert.rejects(hostGet(none), /ECONNRESET|socket hang up|other side closed|fetch failed/);
  });

  test('two runs serve the same hard-coded port 8080, each published on its own host port', async (t) => {
    const times: number[] = [];
    const t0 = performance.now();
    const a = await newNetwork('same-a', false);
    times.push(performance.now() - t0);
    const t1 = performance.now();
    const b = await newNetwork('same-b', false);
    times.push(performance.now() - t1);
    await serve(a.prefix(), 8080, 'I am A');
    await serve(b.prefix(), 8080, 'I am B');
    const [pa, pb] = [await getPort({ host: '127.0.0.1' }), await getPort({ host: '127.0.0.1' })];
    await a.publish(pa, 8080);
    await b.publish(pb, 8080);
    assert.equal(await hostGet(pa), 'I am A');
    assert.equal(await hostGet(pb), 'I am B');
    // Published on the host's loopback only.
    assert.match(sh('ss', '-Hltn', `sport = :${pa}`), /127\.0\.0\.1:/);
    await a.unpublish(pa);
    await assert.rejects(hostGet(pa), /ECONNREFUSED/);
    assert.equal(await hostGet(pb), 'I am B');
    const c0 = performance.now();
    await a.close();
    const closeMs = performance.now() - c0;
    t.diagnostic(
      `create ${times.map((x) => x.toFixed(0)).join(', ')} ms; close ${closeMs.toFixed(0)} ms`,
    );
  });

  test('redis and db resolve to the run loopback, with prefix() alone and in bubblewrap', async () => {
    const net = await newNetwork('names', false, ['db', 'redis', 'web']);
    const bwrap = [
      ...net.prefix(),
      'bwrap',
      '--ro-bind',
      '/',
      '/',
      '--ro-bind',
      net.hostsFile,
      '/etc/hosts',
      '--dev',
      '/dev',
      '--proc',
      '/proc',
      '--unshare-pid',
      '--',
    ];
    for (const prefix of [net.prefix(), bwrap]) {
      // (not `getent ahostsv4`: it asks with AI_ADDRCONFIG, which a loopback-only net fails)
      for (const name of ['redis', 'db']) {
        assert.match(
          sh(...prefix, 'getent', 'hosts', name),
          new RegExp(`^127\\.0\\.0\\.1\\s.*\\b${name}\\b`),
        );
      }
      const lookup = `require('dns').lookup('redis',{all:true},(e,a)=>console.log(JSON.stringify(a)))`;
      assert.equal(
        sh(...prefix, process.execPath, '-e', lookup).trim(),
        '[{"address":"127.0.0.1","family":4}]',
      );
    }
    // An app connecting to db:8080 by its hard-coded name reaches the run's own server.
    await serve(net.prefix(), 8080, 'the run db');
    assert.equal(probe(bwrap, 'db', 8080), 'the run db');
    assert.equal(probe(net.prefix(), 'redis', 8080), 'the run db');
  });

  describe('blocks', () => {
    const target = `rrt-tgt-${tag}`;
    const control = `rrt-ctl-${tag}`;
    const vh = `rrv${tag}h`;
    const HOST_ADDR = '198.51.100.77'; // a host address on the test's own veth
    const targets = ['10.213.7.2', '169.254.213.2', '192.168.213.2'];
    let targetPort = 0;
    let hostAddrPort = 0;
    let loopPort = 0;
    let pasta: ChildProcess | null = null;

    before(async () => {
      // The test's own network: a namespace behind a veth whose host side is in the host's
      // namespace, so both pasta (which dials from the host) and the host can reach it.
      sh('ip', 'netns', 'add', target);
      sh('ip', 'link', 'add', vh, 'type', 'veth', 'peer', 'name', 'peer0', 'netns', target);
      sh('ip', 'link', 'set', vh, 'up');
      sh('ip', '-n', target, 'link', 'set', 'peer0', 'up');
      sh('ip', '-n', target, 'link', 'set', 'lo', 'up');
      for (const t of targets) {
        const host = t.replace(/\.2$/, '.1');
        sh('ip', 'addr', 'add', `${host}/24`, 'dev', vh);
        sh('ip', '-n', target, 'addr', 'add', `${t}/24`, 'dev', 'peer0');
      }
      // (no dummy module in this kernel: the host address lives on the veth's host side)
      sh('ip', 'addr', 'add', `${HOST_ADDR}/32`, 'dev', vh);
      targetPort = await getPort({ host: '127.0.0.1' });
      await serve(['ip', 'netns', 'exec', target], targetPort, 'reached target', '0.0.0.0');
      hostAddrPort = await getPort({ host: '127.0.0.1' });
      await serve([], hostAddrPort, 'reached host address', HOST_ADDR);
      loopPort = await getPort({ host: '127.0.0.1' });
      await serve([], loopPort, 'reached host loopback', '127.0.0.1');
      // Control: a plain namespace with the same pasta and no guard rules.
      sh('ip', 'netns', 'add', control);
      sh('ip', '-n', control, 'link', 'set', 'lo', 'up');
      pasta = spawn(
        'pasta',
        [
          '--config-net',
          '--quiet',
          '--foreground',
          '--runas',
          '0',
          '--netns',
          `/run/netns/${control}`,
          '--no-map-gw',
          '-t',
          'none',
          '-u',
          'none',
          '-T',
          'none',
          '-U',
          'none',
        ],
        { stdio: 'ignore' },
      );
      children.add(pasta);
      for (let i = 0; i < 200 && !sh('ip', '-n', control, 'route', 'show', 'default').trim(); i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
    });

    after(() => {
      pasta?.kill('SIGKILL');
      for (const ns of [control, target]) {
        try {
          for (const pid of sh('ip', 'netns', 'pids', ns).split(/\s+/).filter(Boolean)) {
            process.kill(Number(pid), 'SIGKILL');
          }
          sh('ip', 'netns', 'del', ns);
        } catch {
          // not created
        }
      }
      for (const link of [vh]) {
        try {
          sh('ip', 'link', 'del', link);
        } catch {
          // gone with its namespace, or never made
        }
      }
    });

    test('private, link-local and host addresses: reachable from the control, not from the run', async () => {
      const ctl = ['ip', 'netns', 'exec', control];
      for (const t of targets)
        assert.equal(probe(ctl, t, targetPort), 'reached target', `control → ${t}`);
      assert.equal(probe(ctl, HOST_ADDR, hostAddrPort), 'reached host address');

      const net = await newNetwork('blocked', true);
      for (const t of targets) {
        assert.equal(probe(net.prefix(), t, targetPort), 'ERR:EHOSTUNREACH', `run → ${t}`);
      }
      assert.equal(probe(net.prefix(), HOST_ADDR, hostAddrPort), 'ERR:EHOSTUNREACH');
      // …refused by the guard's rules, whose counters saw those packets.
      const rules = sh(...net.prefix(), 'nft', 'list', 'table', 'inet', 'repo_runner_guard');
      for (const range of ['10.0.0.0/8', '169.254.0.0/16', '192.168.0.0/16', `${HOST_ADDR}`]) {
        const line = rules.split('\n').find((l) => l.includes(`daddr ${range}`));
        assert.match(line ?? '', /counter packets [1-9]/, range);
      }
    });

    test('DNS reaches the resolver through pasta, though the rest of that private address is blocked', async () => {
      // The resolver lives in the test's own namespace, on a private address the guard
      // otherwise refuses: port 53 of it is open to the run, nothing else of it.
      const dns = spawn('ip', ['netns', 'exec', target, process.execPath, '-e', FAKE_DNS], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.add(dns);
      let asked = '';
      await new Promise<void>((resolve) =>
        dns.stdout?.on('data', (c: Buffer) => {
          asked += c.toString();
          if (asked.includes('up')) resolve();
        }),
      );
      await removeStaleRunNetwork(`dns-${tag}`);
      const net = await createRunNetwork({
        runId: `dns-${tag}`,
        runDir: path.join(work, 'dns'),
        hostNames: ['db'],
        outbound: true,
        dns: targets[0] ?? '',
      });
      networks.add(net);
      await net.ready();
      const lookup = `require('dns').lookup('registry.test',{family:4},(e,a)=>console.log(e?e.code:a))`;
      assert.equal(sh(...net.prefix(), process.execPath, '-e', lookup).trim(), '203.0.113.5');
      // (the lookup ran synchronously: let the resolver's output in)
      for (let i = 0; i < 100 && !asked.includes('Q registry.test'); i++) await sleep(20);
      assert.match(asked, /^Q registry\.test$/m);
      assert.equal(probe(net.prefix(), targets[0] ?? '', targetPort), 'ERR:EHOSTUNREACH');
      assert.match(
        readFileSync(net.resolvConf ?? '', 'utf8'),
        new RegExp(`^nameserver ${targets[0]}$`, 'm'),
      );
      // A hosts-file name looked up as apps do (getaddrinfo, any family) never reaches the
      // resolver. (An explicit AAAA lookup, `getent hosts`, does: names are IPv4-only.)
      const before = asked;
      const db = `require('dns').lookup('db',{all:true},(e,a)=>console.log(JSON.stringify(a)))`;
      assert.equal(
        sh(...net.prefix(), process.execPath, '-e', db).trim(),
        '[{"address":"127.0.0.1","family":4}]',
      );
      await sleep(300);
      assert.equal(asked, before);
      dns.kill();
    });

    test("the host's loopback is not the run's", async () => {
      assert.equal(await hostGet(loopPort), 'reached host loopback');
      const net = await newNetwork('loop', true);
      assert.equal(probe(net.prefix(), '127.0.0.1', loopPort), 'ERR:ECONNREFUSED');
      assert.equal(probe(net.prefix(), 'localhost', loopPort), 'ERR:ECONNREFUSED');
    });
  });

  test('outbound: pasta runs and the default route exists; without it neither', async () => {
    // Without waiting for outbound() pasta may not be there yet; with it, it is.
    await removeStaleRunNetwork(`out-on-${tag}`);
    const on = await createRunNetwork({
      runId: `out-on-${tag}`,
      runDir: path.join(work, 'out-on'),
      hostNames: [],
      outbound: true,
    });
    networks.add(on);
    await on.outbound();
    assert.equal(on.pids().length, 2); // pasta and the relay
    assert.match(sh('ip', '-n', on.name, 'route', 'show', 'default'), /^default via /);
    assert.ok(on.resolvConf && existsSync(on.resolvConf));
    const off = await newNetwork('out-off', false);
    assert.equal(sh('ip', '-n', off.name, 'route', 'show', 'default').trim(), '');
    assert.equal(off.resolvConf, null);
    assert.deepEqual(sh('ip', '-n', off.name, '-br', 'link').match(/^\S+/gm), ['lo']);
  });

  test('close() and removeStaleRunNetwork leave no netns, pasta, relay or listener', async () => {
    for (const how of ['close', 'stale'] as const) {
      const net = await newNetwork(`gone-${how}`, true);
      const port = await getPort({ host: '127.0.0.1' });
      const app = await serve(net.prefix(), 8080, 'x');
      await net.publish(port, 8080);
      assert.equal(await hostGet(port), 'x');
      const pids = [...net.pids(), app.pid ?? 0];
      assert.equal(pids.length, 3);
      if (how === 'close') {
        await net.close();
        await net.close(); // idempotent
      } else {
        await removeStaleRunNetwork(`gone-stale-${tag}`);
        await net.unpublish(port); // the host listener belonged to the dead supervisor
      }
      for (let i = 0; i < 100 && pids.some(isProcessAlive); i++)
        await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(pids.filter(isProcessAlive), [], how);
      assert.ok(!existsSync(`/run/netns/${net.name}`), how);
      assert.ok(!existsSync(`/etc/netns/${net.name}`), how);
      assert.ok(!existsSync(path.join(DEFAULT_STATE_DIR, net.name)), how);
      assert.doesNotMatch(sh('ip', 'netns', 'list'), new RegExp(net.name));
      await assert.rejects(hostGet(port), /ECONNREFUSED/);
    }
    assert.equal(runNetworkName('a/b c'), runNetworkName('a/b c'));
    assert.match(runNetworkName('a/b c'), /^rr-[0-9a-f]{16}$/);
  });

  test('a dead supervisor leaves no relay behind; a new one adopts the live network', async () => {
    const runId = `adopt-${tag}`;
    await removeStaleRunNetwork(runId);
    const port = await getPort({ host: '127.0.0.1' });
    // The "supervisor": creates the network, starts an app inside, publishes it, then dies.
    const code = `import { createRunNetwork } from ${JSON.stringify(path.join(ROOT, 'src/exec/run-network.ts'))};
      import { spawn } from 'node:child_process';
      const n = await createRunNetwork({ runId: ${JSON.stringify(runId)}, runDir: ${JSON.stringify(path.join(work, 'adopt'))}, hostNames: [], outbound: true });
      const app = "require('http').createServer((q,s)=>s.end('still here')).listen(8080,'127.0.0.1',()=>console.log('up'))";
      // Published only once the app listens: node takes over 0.5 s to start on a loaded CI host.
      const a = spawn('ip', ['netns', 'exec', n.name, process.execPath, '-e', app], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
      await new Promise((r) => a.stdout.once('data', r));
      a.stdout.destroy();
      a.unref();
      await n.publish(${port}, 8080);
      console.log('ready ' + n.pids().join(' '));
      setInterval(() => {}, 1000);`;
    const sup = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.add(sup);
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      sup.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out);
      });
      sup.once('exit', (c) => reject(new Error(`supervisor exited ${c}: ${out}`)));
    });
    const [pastaPid = 0, relayPid = 0] = line.trim().split(' ').slice(1).map(Number);
    assert.equal(await hostGet(port), 'still here');
    sup.kill('SIGKILL');
    await new Promise((r) => sup.once('exit', r));
    for (let i = 0; i < 100 && isProcessAlive(relayPid); i++) await sleep(20);
    assert.equal(isProcessAlive(relayPid), false, 'the relay died with its supervisor');
    assert.equal(isProcessAlive(pastaPid), true, 'pasta kept the run online');
    await assert.rejects(
      createRunNetwork({ runId, runDir: path.join(work, 'adopt'), hostNames: [], outbound: true }),
      /already exists/,
    );
    const net = await createRunNetwork({
      runId,
      runDir: path.join(work, 'adopt'),
      hostNames: ['db'],
      outbound: true,
      adopt: true,
    });
    networks.add(net);
    assert.ok(net.pids().includes(pastaPid), 'the same pasta');
    const again = await getPort({ host: '127.0.0.1' });
    await net.publish(again, 8080);
    assert.equal(await hostGet(again), 'still here');
    // The guard was loaded again, not twice.
    const rules = sh(...net.prefix(), 'nft', 'list', 'ruleset');
    assert.equal(rules.match(/daddr 10\.0\.0\.0\/8/g)?.length, 1);
    const app = sh('ip', 'netns', 'pids', net.name).split(/\s+/).filter(Boolean).map(Number);
    await net.close();
    for (let i = 0; i < 100 && [...app, pastaPid].some(isProcessAlive); i++) await sleep(20);
    assert.deepEqual([...app, pastaPid].filter(isProcessAlive), []);
  });

  test('latency: 200 requests through a published port vs a direct loopback one', async (t) => {
    const net = await newNetwork('latency', false);
    await serve(net.prefix(), 8080, 'pong');
    const published = await getPort({ host: '127.0.0.1' });
    await net.publish(published, 8080);
    const direct = await getPort({ host: '127.0.0.1' });
    await serve([], direct, 'pong');
    const measure = async (port: number, agent: http.Agent | false) => {
      const xs: number[] = [];
      for (let i = 0; i < 200; i++) {
        const s = performance.now();
        assert.equal(await hostGet(port, agent), 'pong');
        xs.push(performance.now() - s);
      }
      return xs;
    };
    await measure(published, false); // warm both paths up
    await measure(direct, false);
    const res: Record<string, number> = {};
    for (const [label, agent] of [
      ['new', false],
      ['keepalive', new http.Agent({ keepAlive: true, maxSockets: 1 })],
    ] as const) {
      const p = await measure(published, agent);
      const d = await measure(direct, agent);
      res[`${label} published p50`] = median(p);
      res[`${label} direct p50`] = median(d);
      if (agent) agent.destroy();
    }
    t.diagnostic(
      Object.entries(res)
        .map(([k, v]) => `${k} ${v.toFixed(3)} ms`)
        .join('; '),
    );
    // A new connection crosses the relay (host listener, unix socket, connect inside): it may
    // cost up to 5 ms more than a direct one, no more.
    assert.ok(
      (res['new published p50'] ?? Infinity) - (res['new direct p50'] ?? 0) < 5,
      JSON.stringify(res),
    );
  });
});
