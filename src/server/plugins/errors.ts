import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { RepoRunnerError, refusalStatus } from '../../model/errors.js';

/** The one error body of the API. */
export interface ErrorBody {
  error: { code: string; message: string; hint?: string };
}

interface Rendered {
  status: number;
  body: ErrorBody;
}

const render = (status: number, code: string, message: string, hint?: string): Rendered => ({
  status,
  body: { error: hint ? { code, message, hint } : { code, message } },
});

/** Fastify's own 4xx errors (body parsing, media types), in words a caller can act on. */
function fromFastify(err: FastifyError, bodyLimit: number): Rendered | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return render(
        413,
        'BODY_TOO_LARGE',
        `the request body is larger than ${bodyLimit} bytes`,
        'send a smaller body: requests take small JSON documents',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return render(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'this content type is not accepted',
        'send `Content-Type: application/json` with a JSON body',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return render(
        400,
        'BAD_JSON',
        'the body is empty but declared as JSON',
        'send a JSON object, e.g. {}',
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return render(
        400,
        'BAD_JSON',
        'the body is not valid JSON',
        'send a well-formed JSON object',
      );
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return render(
        414,
        'URI_TOO_LONG',
        'a path segment is longer than 100 characters',
        'ids are short: check the URL',
      );
    case 'FST_ERR_BAD_URL':
      return render(
        400,
        'BAD_URL',
        'the URL is malformed (bad percent-encoding)',
        'percent-encode the path correctly',
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return render(400, 'BAD_REQUEST', 'Content-Length does not match the body', undefined);
  }
  if (err instanceof SyntaxError || /JSON|prototype|constructor/i.test(err.message ?? '')) {
    if ((err.statusCode ?? 0) === 400)
      return render(
        400,
        'BAD_JSON',
        `the body is not acceptable JSON: ${err.message}`,
        'send a well-formed JSON object',
      );
  }
  const status = err.statusCode ?? 0;
  if (status >= 400 && status < 500)
    return render(status, 'BAD_REQUEST', err.message, 'check the request against /openapi.json');
  return null;
}

/** The validation issues of a request, one clause each: `body.username: expected string`. */
function validationMessage(err: FastifyError): string {
  const where = (err as { validationContext?: string }).validationContext ?? 'request';
  const issues = (err.validation ?? []).slice(0, 5).map((v) => {
    const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const params = v.params as { keys?: unknown };
    const keys = Array.isArray(params.keys) ? ` (${params.keys.join(', ')})` : '';
    return `${where}${path ? `.${path}` : ''}: ${v.message ?? 'invalid'}${keys}`;
  });
  return issues.join('; ');
}

/** Renders any error as the API's error body (never a stack trace). Exported for tests. */
export function renderError(err: unknown, requestId: string, bodyLimit: number): Rendered {
  // Refusals carry their status; a plain RepoRunnerError with a refusal code (BAD_INPUT,
  // NOTHING_TO_RUN from the run API) gets the same one from the same table.
  if (err instanceof RepoRunnerError) {
    const status = refusalStatus(err.code);
    if (status !== undefined) return render(status, err.code, err.message, err.hint);
  }
  const fe = err as FastifyError;
  if (fe && typeof fe === 'object' && fe.validation) {
    return render(
      400,
      'VALIDATION_FAILED',
      hasZodFastifySchemaValidationErrors(fe) ? validationMessage(fe) : fe.message,
      'fix the named fields (unknown fields are refused); the schemas are in /openapi.json',
    );
  }
  if (fe && typeof fe === 'object') {
    const r = fromFastify(fe, bodyLimit);
    if (r) return r;
  }
  return render(
    500,
    'INTERNAL',
    `internal error (request id ${requestId})`,
    'this is a bug in Repo Runner: report it with the request id',
  );
}

/**
 * Fastify's `frameworkErrors` option: errors raised before routing (a malformed URL, an
 * over-long path segment), rendered like every other error.
 */
export function frameworkErrors(bodyLimit: number) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = renderError(err, req.id, bodyLimit);
    void reply.code(status).type('application/json').send(body);
  };
}

/**
 * One error handler for the whole API and a JSON 404 for unknown routes: every refusal is
 * `{ error: { code, message, hint? } }` with a 4xx status; only a bug gives a 500, logged
 * with its stack (which never reaches the response).
 */
export function errorsPlugin(app: FastifyInstance, opts: { bodyLimit: number }): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = renderError(err, req.id, opts.bodyLimit);
    if (status >= 500) req.log.error({ err }, 'request failed');
    if (status === 429 && !reply.hasHeader('Retry-After')) {
      const after = (err as { retryAfterSeconds?: unknown }).retryAfterSeconds;
      reply.header('Retry-After', String(typeof after === 'number' ? Math.max(1, after) : 60));
    }
    return reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send(
        render(
          404,
          'NOT_FOUND',
          `no route ${req.method} ${req.url.split('?')[0]}`,
          'the endpoints are listed at /docs and /openapi.json',
        ).body,
      ),
  );
}
