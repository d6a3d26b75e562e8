import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { JobHandler, JobQueue } from './queue.js';

/** Makes a queue of the backend under test for one case. */
export type QueueFactory = <J>(opts: {
  concurrency: number;
  handler: JobHandler<J>;
}) => JobQueue<J>;

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/**
 * The conformance suite every {@link JobQueue} backend must pass (CONVENTIONS.md: one suite
 * per seam). Call it inside a `describe` of the backend's test file.
 *
 * @example
 * describe('in-process queue', () => queueConformance((o) => createInProcessQueue(o)));
 */
export function queueConformance(make: QueueFactory): void {
  it('runs every job, never more than `concurrency` at once, in order of submission', async () => {
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const q = make<number>({
      concurrency: 2,
      handler: async (n) => {
        started.push(n);
        running += 1;
        peak = Math.max(peak, running);
        await tick(10);
        running -= 1;
      },
    });
    for (let i = 0; i < 6; i++) await q.add(i);
    await q.idle();
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
    assert.equal(peak, 2);
    assert.deepEqual(q.stats(), { waiting: 0, active: 0, done: 6 });
    await q.close();
  });

  it('a job that throws does not stop the queue', async () => {
    const seen: number[] = [];
    const q = make<number>({
      concurrency: 1,
      handler: async (n) => {
        seen.push(n);
        if (n === 0) throw new Error('boom');
      },
    });
    await q.add(0);
    await q.add(1);
    await q.idle();
    assert.deepEqual(seen, [0, 1]);
    await q.close();
  });

  it('close({abort}) signals active jobs, drops waiting ones and refuses new ones', async () => {
    const seen: number[] = [];
    let aborted = false;
    const q = make<number>({
      concurrency: 1,
      handler: async (n, { signal }) => {
        seen.push(n);
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        aborted = signal.aborted;
      },
    });
    await q.add(0);
    await q.add(1);
    await tick();
    await q.close({ abort: true });
    assert.deepEqual(seen, [0]);
    assert.ok(aborted);
    await assert.rejects(q.add(2), /closed/);
  });
}
