import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import getPort from 'get-port';
import { RepoRunnerError } from '../model/errors.js';
import { isGroupAlive, stopProcessGroup } from '../exec/process-group.js';
import { probeTcp } from '../health/tcp-check.js';
import type { DatabaseKind, ProvisionedDatabase, StartDatabaseOptions } from './types.js';
import { MAX_SOCKET_PATH } from './data-dir.js';

/** Ports a database server uses when nobody says otherwise: ours must never take them. */
const DEFAULT_PORTS = [5432, 3306, 6379];

/** One server kind under test, with a real client to talk to it through its URL. */
export interface DatabaseServerSpec {
  kind: DatabaseKind;
  start: (options: StartDatabaseOptions) => Promise<ProvisionedDatabase>;
  /** Stores `value` through `db.url` with a real client. */
  write: (db: ProvisionedDatabase, value: string) => Promise<void>;
  /** What {@link write} stored, or null when it is not there. */
  read: (db: ProvisionedDatabase) => Promise<string | null>;
  /** True when data survives a restart on the same data dir. */
  persistent: boolean;
  /** Name of the Unix socket the server must create in its data dir, if any. */
  socket?: (port: number) => string;
  /** Why the suite cannot run (no server and none installable), or false. */
  skip: string | false;
}

/** A non-loopback IPv4 address of this machine, to check the server is not reachable on it. */
function outsideAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

/**
 * The behaviour every database starter must have, against a real server: start in a fresh
 * data dir on a free port, answer through its URL, listen on 127.0.0.1 only, stop with its
 * whole process group, restart on the same data dir (keeping data when `persistent`),
 * report a taken port as `START_FAILED` with the log tail, and stop when aborted.
 *
 * @example
 * databaseServerConformance({ kind: 'redis', start: startRedis, write, read, persistent: false, skip: false });
 */
export function databaseServerConformance(spec: DatabaseServerSpec): void {
  describe(`database server conformance: ${spec.kind}`, { skip: spec.skip }, () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), `rr-${spec.kind}-`));
    const pids: number[] = [];
    after(async () => {
      for (const pid of pids) await stopProcessGroup(pid, 2000);
      rmSync(tmp, { recursive: true, force: true });
    });
    let port = 0;
    const options = (): StartDatabaseOptions => ({
      dataDir: path.join(tmp, 'data'),
      port,
      database: 'app_db',
      user: 'app_user',
      password: `s3cret'@:/ x\\`,
      logFile: path.join(tmp, 'server.log'),
      onSpawn: (pid) => pids.push(pid),
    });
    const timed = async (t: TestContext, label: string) => {
      const started = Date.now();
      const db = await spec.start(options());
      t.diagnostic(`${spec.kind} ${label} start: ${Date.now() - started} ms`);
      return db;
    };
    let db: ProvisionedDatabase;

    it('starts in an empty data dir and answers through its URL on 127.0.0.1 only', async (t) => {
      port = await getPort({ host: '127.0.0.1', exclude: DEFAULT_PORTS });
      db = await timed(t, 'cold');
      assert.equal(db.kind, spec.kind);
      assert.equal(db.host, '127.0.0.1');
      assert.equal(db.port, port);
      assert.ok(!DEFAULT_PORTS.includes(db.port));
      assert.ok(Object.values(db.env).includes(db.url));
      await spec.write(db, 'kept');
      assert.equal(await spec.read(db), 'kept');
      if (spec.socket) assert.ok(existsSync(path.join(db.dataDir, spec.socket(port))));
      const outside = outsideAddress();
      if (outside) assert.equal((await probeTcp(outside, port, 1000)).ok, false);
    });

    it('stops with its whole process group', async () => {
      assert.notEqual(await stopProcessGroup(db.pid), 'gone');
      assert.equal(isGroupAlive(db.pid), false);
    });

    it(`starts again on the same data dir (${spec.persistent ? 'data kept' : 'empty'})`, async (t) => {
      db = await timed(t, 'warm');
      assert.equal(await spec.read(db), spec.persistent ? 'kept' : null);
      await stopProcessGroup(db.pid);
      assert.equal(isGroupAlive(db.pid), false);
    });

    it('fails with START_FAILED and the log tail when its port is taken', async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
      try {
        await assert.rejects(spec.start({ ...options(), readyTimeoutMs: 20_000 }), (err) => {
          assert.ok(err instanceof RepoRunnerError);
          assert.equal(err.code, 'START_FAILED');
          assert.ok(Array.isArray(err.details?.logTail));
          return true;
        });
      } finally {
        blocker.close();
      }
      for (const pid of pids) assert.equal(isGroupAlive(pid), false);
    });

    it(
      'starts with a data dir too deep for its socket (the socket goes to a short folder)',
      {
        skip: spec.socket ? false : 'no Unix socket',
      },
      async () => {
        const deep = path.join(tmp, 'd'.repeat(60), 'e'.repeat(60), 'data');
        const deepPort = await getPort({ host: '127.0.0.1', exclude: DEFAULT_PORTS });
        const started = await spec.start({ ...options(), dataDir: deep, port: deepPort });
        try {
          assert.ok(Buffer.byteLength(path.join(deep, spec.socket!(deepPort))) > MAX_SOCKET_PATH);
          await spec.write(started, 'deep');
          assert.equal(await spec.read(started), 'deep');
        } finally {
          await stopProcessGroup(started.pid);
        }
      },
    );

    it('stops the server when the start is aborted', async () => {
      const controller = new AbortController();
      let spawned = 0;
      const start = spec.start({
        ...options(),
        signal: controller.signal,
        onSpawn: (pid) => {
          pids.push(pid);
          spawned = pid;
          controller.abort();
        },
      });
      await assert.rejects(start, { name: 'AbortError' });
      assert.ok(spawned > 0);
      assert.equal(isGroupAlive(spawned), false);
    });
  });
}
