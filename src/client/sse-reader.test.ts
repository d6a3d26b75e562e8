import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSse } from '../server/sse.js';
import { readSse } from './sse-reader.js';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

describe('readSse', () => {
  it('reads what the server writes, split anywhere, skipping comments', async () => {
    const wire =
      formatSse({ id: 7, event: 'log', data: { message: 'a\nb' } }) +
      ': ping\n\n' +
      formatSse({ event: 'end', data: { status: 'stopped' } });
    for (const size of [1, 3, 1000]) {
      const chunks = wire.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
      const events = [];
      for await (const e of readSse(streamOf(chunks))) events.push(e);
      assert.deepEqual(events, [
        { id: '7', event: 'log', data: JSON.stringify({ message: 'a\nb' }) },
        { id: null, event: 'end', data: '{"status":"stopped"}' },
      ]);
    }
  });

  it('joins multi-line data and takes CRLF', async () => {
    const events = [];
    for await (const e of readSse(streamOf(['data: one\r\ndata: two\r\n\r\n']))) events.push(e);
    assert.deepEqual(events, [{ id: null, event: 'message', data: 'one\ntwo' }]);
  });
});
