import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RunStatus } from '../../model/store.js';
import type { ServerContext } from '../context.js';
import { badRequest } from '../refusals.js';
import { principalOf } from '../plugins/auth.js';
import { visibleRun } from '../run-access.js';
import { LogsQuerySchema } from '../run-schemas.js';
import { ErrorSchema, IdParamsSchema } from '../schemas.js';

/** A run in one of these has ended: its stream sends what is left, then `end`. */
const ENDED: readonly RunStatus[] = ['failed', 'partial', 'stopped', 'interrupted'];
const POLL_MS = 250;
const PING_MS = 15_000;
const PAGE = 500;

function lastEventId(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d{1,15}$/.test(value.trim()))
    throw badRequest(
      'Last-Event-ID must be the id of an event (digits)',
      'omit it to start from the first event',
    );
  return Number(value);
}

/**
 * `GET /runs/:id/logs`: the run's events from the store as Server-Sent Events, the backlog
 * first and then live, until the run ends (`event: end`). A healthy run's stream carries
 * on with its services' log lines until it is stopped. `Last-Event-ID` (or `?after=`)
 * resumes after an event; each event's `id` is its store id.
 */
export const runLogsRoutes: FastifyPluginAsyncZod<ServerContext> = async (app, ctx) => {
  app.get(
    '/runs/:id/logs',
    {
      schema: {
        tags: ['runs'],
        summary: "the run's events as Server-Sent Events (text/event-stream)",
        description:
          'Each event: `id: <event id>`, `event: <kind>` (phase, log, service, warning, info, result), `data: <JSON of the event>`. `event: status` (no id) when the run status changes, `event: end` when the run has ended.',
        security: [{ bearer: [] }],
        params: IdParamsSchema,
        querystring: LogsQuerySchema,
        response: { 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req, reply) => {
      const run = await visibleRun(ctx, principalOf(req), req.params.id);
      let after = req.query.after ?? lastEventId(req.headers['last-event-id']) ?? 0;
      reply.hijack();
      reply.raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      const stream = ctx.sse.attach(reply.raw);
      let status: RunStatus | null = null;
      let lastPing = Date.now();
      let drained = false;
      try {
        while (!stream.closed) {
          const events = await ctx.store.listEvents(run.id, {
            afterId: after,
            limit: PAGE,
            ...(req.query.kind ? { kind: req.query.kind } : {}),
            ...(req.query.service ? { service: req.query.service } : {}),
          });
          for (const e of events) {
            await stream.send({ id: e.id, event: e.kind, data: e });
            after = e.id;
          }
          if (events.length === PAGE) continue;
          const now = (await ctx.store.getRun(run.id))?.status ?? 'stopped';
          if (now !== status) {
            status = now;
            await stream.send({ event: 'status', data: { runId: run.id, status } });
          }
          if (ENDED.includes(status)) {
            // The pipeline records its status before its last events: read once more.
            if (drained) {
              await stream.send({ event: 'end', data: { runId: run.id, status } });
              break;
            }
            drained = true;
            await stream.sleep(2 * POLL_MS);
            continue;
          }
          if (Date.now() - lastPing >= PING_MS) {
            lastPing = Date.now();
            await stream.comment('ping');
          }
          await stream.sleep(POLL_MS);
        }
      } catch (err) {
        req.log.warn({ err }, 'event stream ended by an error');
      } finally {
        stream.end();
      }
    },
  );
};
