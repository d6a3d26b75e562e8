import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RefusalError, RepoRunnerError } from '../../model/errors.js';
import { renderError } from './errors.js';

describe('renderError', () => {
  it('keeps the status, code, message and hint of refusals', () => {
    assert.deepEqual(
      renderError(new RefusalError('NOT_FOUND', 'no run x', 'list runs'), 'r1', 10),
      {
        status: 404,
        body: { error: { code: 'NOT_FOUND', message: 'no run x', hint: 'list runs' } },
      },
    );
    const auth = renderError(new RefusalError('CONFLICT', 'name taken', 'pick another'), 'r1', 10);
    assert.equal(auth.status, 409);
    assert.equal(auth.body.error.code, 'CONFLICT');
    assert.equal(renderError(new RepoRunnerError('BAD_INPUT', 'bad', 'fix'), 'r1', 10).status, 400);
    assert.equal(
      renderError(new RepoRunnerError('NOTHING_TO_RUN', 'no', 'x'), 'r', 10).status,
      422,
    );
  });

  it('hides anything unexpected behind a 500 that names the request id, never the message or stack', () => {
    const r = renderError(new Error('SQLITE_ERROR at /secret/path.ts:12:3'), 'req-9', 10);
    assert.equal(r.status, 500);
    assert.equal(r.body.error.code, 'INTERNAL');
    assert.match(r.body.error.message, /req-9/);
    assert.doesNotMatch(JSON.stringify(r.body), /secret|SQLITE/);
    assert.equal(renderError(new RepoRunnerError('INTERNAL', 'boom'), 'r', 10).status, 500);
  });

  it("words Fastify's body errors for callers", () => {
    const tooLarge = Object.assign(new Error('x'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    assert.deepEqual(renderError(tooLarge, 'r', 1024).body.error.code, 'BODY_TOO_LARGE');
    assert.match(renderError(tooLarge, 'r', 1024).body.error.message, /1024 bytes/);
  });
});
