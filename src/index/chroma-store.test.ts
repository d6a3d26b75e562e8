import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import getPort from 'get-port';
import {
  chromaUrlFromEnv,
  ChromaStartError,
  startChromaServer,
  type ChromaServer,
} from './chroma-server.js';
import { openChromaStore } from './chroma-store.js';
import { BackendUnavailableError } from './types.js';
import { randomUnitVectors, vectorStoreConformance } from './vector-store.test-kit.js';

/** Why a real server cannot run here (null when it can): one start and stop in a temp dir. */
async function chromaSkipReason(): Promise<string | null> {
  const dir = await mkdtemp(join(tmpdir(), 'rr-chroma-probe-'));
  try {
    const server = await startChromaServer({ dataDir: dir });
    await server.stop();
    return null;
  } catch (err) {
    return `chroma run cannot start here: ${(err as Error).message}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Live (non-zombie) processes whose process group is `pgid`, from /proc/<pid>/stat. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(name));
    } catch {
      /* exited meanwhile */
    }
  }
  return members;
}

const skip = await chromaSkipReason();

describe('chromaUrlFromEnv', () => {
  it('accepts http(s) origins and refuses anything else', () => {
    assert.equal(chromaUrlFromEnv({}), undefined);
    assert.equal(chromaUrlFromEnv({ REPO_RUNNER_CHROMA_URL: ' ' }), undefined);
    assert.equal(
      chromaUrlFromEnv({ REPO_RUNNER_CHROMA_URL: 'http://127.0.0.1:8000/' }),
      'http://127.0.0.1:8000',
    );
    assert.equal(
      chromaUrlFromEnv({ REPO_RUNNER_CHROMA_URL: 'https://chroma.example' }),
      'https://chroma.example',
    );
    for (const bad of [
      '127.0.0.1:8000',
      'ftp://h:1',
      'http://h:1/chroma',
      'http://u:p@h:1',
      'nonsense',
    ]) {
      assert.throws(
        () => chromaUrlFromEnv({ REPO_RUNNER_CHROMA_URL: bad }),
        /REPO_RUNNER_CHROMA_URL/,
        bad,
      );
    }
  });
});

if (skip && process.env.CI === 'true') {
  it('chroma run starts (required in CI)', () => assert.fail(skip));
} else if (skip) {
  it('Chroma store', { skip }, () => {});
} else {
  let server: ChromaServer | null = null;
  let root = '';
  vectorStoreConformance({
    name: 'chroma',
    async setUp() {
      root = await mkdtemp(join(tmpdir(), 'rr-chroma-'));
      server = await startChromaServer({ dataDir: root });
    },
    async tearDown() {
      await server?.stop();
      await rm(root, { recursive: true, force: true });
    },
    open: (_dir, dimension, collection) =>
      openChromaStore({ url: server!.url, collection, dimension }),
  });

  describe('Chroma server and store', () => {
    let dir = '';
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rr-chroma-life-'));
    });
    after(() => rm(dir, { recursive: true, force: true }));
    const items = randomUnitVectors(120, 16, 3).map((vector, i) => ({ id: i + 10, vector }));

    it('keeps a collection across a stop and a start on the same dataDir', async () => {
      const dataDir = join(dir, 'persist');
      const first = await startChromaServer({ dataDir });
      try {
        const store = await openChromaStore({
          url: first.url,
          collection: 'persisted',
          dimension: 16,
        });
        await store.upsert(items);
        await store.close();
      } finally {
        await first.stop();
      }
      const second = await startChromaServer({ dataDir });
      try {
        const store = await openChromaStore({
          url: second.url,
          collection: 'persisted',
          dimension: 16,
        });
        assert.equal(await store.count(), items.length);
        assert.equal((await store.search(items[42]!.vector, 1))[0]?.id, items[42]!.id);
        await assert.rejects(
          openChromaStore({ url: second.url, collection: 'persisted', dimension: 8 }),
          /16-dimensional.*not 8-dimensional/,
        );
        await store.close();
      } finally {
        await second.stop();
      }
    });

    it('upserts past the server batch size and pages through every id', async () => {
      const server = await startChromaServer({ dataDir: join(dir, 'batches') });
      try {
        const store = await openChromaStore({ url: server.url, collection: 'many', dimension: 4 });
        const many = randomUnitVectors(6000, 4, 5).map((vector, i) => ({ id: i * 2, vector }));
        await store.upsert(many);
        assert.equal(await store.count(), 6000);
        const ids = await store.ids();
        assert.equal(new Set(ids).size, 6000);
        await store.remove(ids.slice(0, 5500));
        assert.equal(await store.count(), 500);
        await store.close();
      } finally {
        await server.stop();
      }
    });

    it('rejects with BackendUnavailableError once its server is stopped', async () => {
      const server = await startChromaServer({ dataDir: join(dir, 'stopped') });
      const store = await openChromaStore({ url: server.url, collection: 'gone', dimension: 16 });
      await store.upsert(items.slice(0, 5));
      await server.stop();
      await assert.rejects(store.count(), BackendUnavailableError);
      await assert.rejects(store.search(items[0]!.vector, 3), BackendUnavailableError);
      await assert.rejects(
        openChromaStore({ url: server.url, collection: 'gone', dimension: 16 }),
        (err: unknown) => err instanceof BackendUnavailableError && err.backend === 'chroma',
      );
      await store.close();
    });

    it('leaves no process of its group after stop', async () => {
      const server = await startChromaServer({ dataDir: join(dir, 'group') });
      assert.deepEqual(groupMembers(server.pid), [server.pid]);
      await server.stop();
      assert.deepEqual(groupMembers(server.pid), []);
      await server.stop(); // twice is fine
    });

    it('fails a start that dies with the last lines of its log', async () => {
      const port = await getPort({ host: '127.0.0.1' });
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
      try {
        await assert.rejects(
          startChromaServer({ dataDir: join(dir, 'taken'), port }),
          (err: unknown) => {
            assert.ok(err instanceof ChromaStartError);
            assert.ok(err instanceof BackendUnavailableError);
            assert.match(err.message, /exited with code 0 before answering/);
            assert.ok(
              err.logTail.some((l) => l.includes(`${port} is not available`)),
              err.logTail.join('\n'),
            );
            return true;
          },
        );
      } finally {
        holder.close();
      }
    });
  });
}
