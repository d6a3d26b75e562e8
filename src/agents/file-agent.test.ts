import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunContext } from '../model/run-context.js';
import { openSqliteStore } from '../store/sqlite.js';
import { fileAgent } from './file-agent.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-file-agent-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function ctxFor(source: string, userId: string | null): Promise<RunContext> {
  const store = await openSqliteStore(':memory:');
  if (userId)
    await store.insertUser(
      {
        id: userId,
        username: 'alice',
        usernameKey: 'alice',
        passwordHash: 'x',
        tier: 'free',
        onlyFirstMayChoose: false,
      },
      new Date().toISOString(),
    );
  await store.createRun({ id: 'r1', source, options: {}, userId });
  return {
    runId: 'r1',
    source,
    runDir: tmp,
    store,
    env: { PATH: process.env.PATH ?? '' },
    signal: new AbortController().signal,
  } as unknown as RunContext;
}

describe('FileAgent in service mode (an API run, with an owner)', () => {
  for (const url of [
    'https://127.0.0.1/org/repo.git',
    // The metadata address is named only to check it is refused before any lookup or
    // connection: no test probes it (a probe would be opt-in and off in tests).
    'http://169.254.169.254/r.git', // refused only; a probe would be opt-in
    'https://[::1]/r',
  ])
    it(`refuses ${url} before any clone`, async () => {
      await assert.rejects(
        fileAgent.run(await ctxFor(url, 'user-1')),
        (err: Error & { code?: string }) =>
          err.code === 'BAD_INPUT' && /not a public address/.test(err.message),
      );
      assert.deepEqual(readdirSync(tmp), [], 'a clone was started');
    });
});
