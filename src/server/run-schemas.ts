import { z } from 'zod';
import { ServiceOverrideSchema } from '../model/overrides.js';

/** Options an API caller may give a run: the CLI's, less those the server decides (host, detach). */
export const ApiRunOptionsSchema = z.strictObject({
  healthTimeoutMs: z
    .number()
    .int()
    .min(1000)
    .max(30 * 60_000)
    .optional(),
  forceInstall: z.boolean().optional(),
  keepData: z.boolean().optional(),
  /** Build the run's context index (default true). */
  index: z.boolean().optional(),
  /** The context index backend, within the caller's tier (403 beyond it). */
  indexBackend: z.enum(['text', 'faiss', 'chroma']).optional(),
  overrides: ServiceOverrideSchema.extend({
    service: z.string().max(100).optional(),
    // A service folder stays inside the repository: relative, no `..`.
    root: z
      .string()
      .min(1)
      .max(500)
      .regex(
        /^(?!\/)(?!(.*\/)?\.\.(\/|$))/,
        'root is a folder inside the repository (relative, no ..)',
      )
      .optional(),
  })
    .strict()
    .optional(),
});

/** `POST /runs` body: a git URL or a path under the repos roots, and options. */
export const CreateRunSchema = z.strictObject({
  source: z.string().min(1).max(2048),
  options: ApiRunOptionsSchema.optional(),
});

/** `POST /plans` body: a path under the repos roots, and the CLI's override fields. */
export const CreatePlanSchema = z.strictObject({
  source: z.string().min(1).max(2048),
  overrides: ApiRunOptionsSchema.shape.overrides,
});

/** A run as lists show it: status, source, owner, times, service URLs. */
export const RunSummarySchema = z
  .object({
    id: z.string(),
    status: z.string(),
    source: z.string(),
    userId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    services: z.array(
      z.object({
        name: z.string(),
        url: z.string().nullable(),
        health: z.string().describe('`failed`: given up by the supervisor after a crash loop'),
        pid: z.number().nullable().describe('the current process (changes on restart)'),
        restarts: z.number().describe('restarts by the supervisor'),
      }),
    ),
  })
  .meta({ id: 'RunSummary' });

/** One phase record of a run (the store's PhaseRecord). */
export const PhaseSchema = z.object({
  name: z.string(),
  status: z.string(),
  attempts: z.number(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  error: z
    .object({ code: z.string(), message: z.string(), hint: z.string().optional() })
    .nullable(),
});

/** `GET /runs/:id`: the summary plus phases and the Report. */
export const RunDetailSchema = RunSummarySchema.extend({
  phases: z.array(PhaseSchema),
  report: z.unknown().describe('the Report (see the README), null until the run has one'),
}).meta({ id: 'RunDetail' });

/** `GET /runs` query: `limit` (1-500, default 50) and `all=true` (needs `runs:all`). */
export const RunListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  all: z.enum(['true', 'false']).optional().describe("every user's runs (needs `runs:all`)"),
});

/** `GET /runs/:id/logs` query: resume point and filters. */
export const LogsQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).optional().describe('same as Last-Event-ID'),
  service: z.string().max(100).optional(),
  kind: z.enum(['phase', 'log', 'service', 'warning', 'info', 'result']).optional(),
});
