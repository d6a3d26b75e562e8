import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { storeConformance } from './conformance.test-kit.js';
import { openSqliteStore } from './sqlite.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-store-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let files = 0;
const freshFile = () => path.join(tmp, `store-${++files}.db`);

storeConformance('sqlite :memory:', () => openSqliteStore(':memory:'));
let latestFile = '';
storeConformance('sqlite file', () => openSqliteStore((latestFile = freshFile())), {
  openSecond: () => openSqliteStore(latestFile),
});

describe('openSqliteStore on a file', () => {
  it('creates the folder and keeps data across a reopen', async () => {
    const file = path.join(tmp, 'nested', 'deeper', 'repo-runner.db');
    const first = await openSqliteStore(file);
    await first.createRun({ id: 'r1', source: '.', options: { a: 1 } });
    await first.close();
    const second = await openSqliteStore(file);
    try {
      assert.deepEqual((await second.getRun('r1'))?.options, { a: 1 });
    } finally {
      await second.close();
    }
  });

  it('two stores on one file (two processes) never lease the same port', async () => {
    const file = freshFile();
    const a = await openSqliteStore(file);
    const b = await openSqliteStore(file);
    try {
      assert.equal(await a.leasePort(44001, 'run-a', 'web'), true);
      assert.equal(await b.leasePort(44001, 'run-b', 'web'), false);
      // Interleaved, on many ports at once: each port ends with exactly one owner.
      const ports = Array.from({ length: 20 }, (_, i) => 44100 + i);
      const results = await Promise.all(
        ports.flatMap((p) => [a.leasePort(p, 'run-a', 'web'), b.leasePort(p, 'run-b', 'web')]),
      );
      assert.equal(results.filter(Boolean).length, ports.length);
      const leases = await b.leasedPorts();
      assert.equal(leases.length, ports.length + 1);
      assert.deepEqual(await a.leasedPorts(), leases);
      await a.releasePorts('run-a');
      assert.equal(await b.leasePort(44001, 'run-b', 'web'), true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a real second process racing for the same ports gets only the ones this one did not', async () => {
    const file = freshFile();
    const store = await openSqliteStore(file);
    try {
      const ports = Array.from({ length: 40 }, (_, i) => 45000 + i);
      const sqliteModule = fileURLToPath(new URL('./sqlite.ts', import.meta.url));
      const script = `
        const { openSqliteStore } = await import(${JSON.stringify(sqliteModule)});
        const store = await openSqliteStore(${JSON.stringify(file)});
        const won = [];
        for (const p of ${JSON.stringify(ports)}) if (await store.leasePort(p, 'child', 'web')) won.push(p);
        await store.close();
        process.stdout.write(JSON.stringify(won));
      `;
      const child = promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { timeout: 20_000 },
      );
      const mine: number[] = [];
      for (const p of ports) if (await store.leasePort(p, 'parent', 'web')) mine.push(p);
      const theirs = JSON.parse((await child).stdout) as number[];
      assert.equal(mine.length + theirs.length, ports.length);
      assert.deepEqual(
        [...mine, ...theirs].sort((x, y) => x - y),
        ports,
      );
      const owners = new Map((await store.leasedPorts()).map((l) => [l.port, l.runId]));
      for (const p of mine) assert.equal(owners.get(p), 'parent');
      for (const p of theirs) assert.equal(owners.get(p), 'child');
    } finally {
      await store.close();
    }
  });
});

it('several processes opening a new store file at once all succeed (migration race)', async () => {
  const { execa } = await import('execa');
  const pathMod = path;
  const dir = mkdtempSync(pathMod.join(os.tmpdir(), 'rr-migrate-'));
  try {
    const file = pathMod.join(dir, 'race.db');
    const script = `import { openSqliteStore } from ${JSON.stringify(new URL('./sqlite.ts', import.meta.url).pathname)}; const s = await openSqliteStore(${JSON.stringify(file)}); await s.close(); console.log('ok');`;
    const children = Array.from({ length: 4 }, () =>
      execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        reject: false,
      }),
    );
    const results = await Promise.all(children);
    for (const r of results) assert.equal(r.stdout.trim(), 'ok', r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
