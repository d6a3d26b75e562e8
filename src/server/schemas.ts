import { z } from 'zod';
import { TIER_NAMES } from '../auth/tiers.js';

/**
 * The zod schemas of the REST API: request bodies are strict (unknown fields are refused),
 * and the same schemas make the OpenAPI document at `/openapi.json`.
 */

/** `{ error: { code, message, hint? } }`: every refusal. */
export const ErrorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }),
  })
  .meta({ id: 'Error' });

/** One of the six tier names. */
export const TierNameSchema = z.enum(TIER_NAMES);

/** A user as the API shows it (never a password hash). */
export const UserSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    tier: TierNameSchema,
    blocked: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'User' });

/** Lifetime usage counters of a user. */
export const UsageSchema = z
  .object({
    userId: z.string(),
    requests: z.number(),
    runs: z.number(),
    repos: z.number(),
    agentCalls: z.number(),
  })
  .meta({ id: 'Usage' });

/** One row of the tier table with its permissions (`GET /tiers`, `GET /me`). */
export const TierSchema = z
  .object({
    name: TierNameSchema,
    index: z.string(),
    gpu: z.string(),
    requestsPerHour: z.number(),
    maxRepos: z.number(),
    adminAgent: z.boolean(),
    support: z.string(),
    permissions: z.array(z.string()).readonly(),
  })
  .meta({ id: 'Tier' });

/** `POST /auth/login` body. Field rules (username characters, password length) are the auth core's. */
export const CredentialsSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

/** `POST /auth/register` body; `tier` only counts for the first user of a new server. */
export const RegisterSchema = CredentialsSchema.extend({
  tier: TierNameSchema.optional(),
}).strict();

/** A token as issued (shown once) with its expiry and user. */
export const IssuedTokenSchema = z
  .object({ token: z.string(), expiresAt: z.string(), user: UserSchema })
  .meta({ id: 'IssuedToken' });

/** `POST /auth/tokens` body: a name and an optional lifetime in days. */
export const ApiTokenRequestSchema = z.strictObject({
  name: z.string().min(1).max(100),
  ttlDays: z.number().int().min(1).max(3650).optional(),
});

/** `POST /users` body (admin): username, password and tier. */
export const CreateUserSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
  tier: TierNameSchema,
});

/** `PATCH /users/:id` body: `blocked` and/or `tier`. */
export const PatchUserSchema = z
  .strictObject({ blocked: z.boolean().optional(), tier: TierNameSchema.optional() })
  .refine((v) => v.blocked !== undefined || v.tier !== undefined, {
    message: 'give `blocked` and/or `tier`',
  });

/** Ids in paths: short and plain, so nothing odd reaches a query or a message. */
export const IdParamsSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'ids are letters, digits and . _ : -'),
});

/** One audit log entry. */
export const AuditEntrySchema = z
  .object({
    id: z.number(),
    ts: z.string(),
    action: z.string(),
    actorId: z.string().nullable(),
    targetId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry' });

/** `?limit=` of list endpoints (1-1000). */
export const LimitQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
