import { z } from 'zod';

const Port = z.number().int().min(1).max(65535);

/** A service Compose would build from a folder of the repo: Repo Runner plans that folder natively. */
export const ComposeBuildServiceSchema = z.object({
  name: z.string(),
  /** The build context relative to the repository root, normalised (`api`, `.`). */
  context: z.string(),
  /** `build.dockerfile` as written, for evidence only: the Dockerfile is not used. */
  dockerfile: z.string().optional(),
  /** Compose's `command` as written: a list is argv, a string is a shell command line. */
  command: z.union([z.array(z.string()), z.string()]).optional(),
  /** `environment` after interpolation (`env_file` values are not merged in). */
  environment: z.record(z.string(), z.string()),
  /** `env_file` paths relative to the repository root, in order (later ones win). */
  envFiles: z.array(z.string()),
  /** The port the process listens on: the first `ports` target, else the first `expose`. */
  containerPort: Port.optional(),
  /** The host port of the first `ports` entry. */
  publishedPort: Port.optional(),
  /** Services this one waits for (`depends_on`), in file order. */
  dependsOn: z.array(z.string()),
  /** A dependent asks for `service_healthy`: wait for readiness before starting it. */
  waitHealthy: z.boolean(),
  /** A dependent asks for `service_completed_successfully`: a one-shot job (e.g. migrations). */
  runsToCompletion: z.boolean(),
  /** Its compose secrets: repository files shown at `/run/secrets/<name>` (see `secretsOf`). */
  secrets: z.array(z.object({ source: z.string(), target: z.string() })).optional(),
});
export type ComposeBuildService = z.infer<typeof ComposeBuildServiceSchema>;

/** A database or cache image Repo Runner runs as a native server. */
export const ComposeDatabaseSchema = z.object({
  name: z.string(),
  kind: z.enum(['postgres', 'mysql', 'redis']),
  /** The image as written (tells MariaDB from MySQL, Valkey from Redis). */
  image: z.string(),
  /** The leading version of the image tag (`16` of `postgres:16-alpine`); the image's own versioning. */
  version: z.string().optional(),
  credentials: z.object({
    user: z.string(),
    password: z.string(),
    database: z.string().nullable(),
  }),
  publishedPort: Port.optional(),
  waitHealthy: z.boolean(),
  /** Bind mounts into `/docker-entrypoint-initdb.d` (see `DatabaseSpec.initScripts`). */
  initScripts: z.array(z.object({ source: z.string(), target: z.string() })).optional(),
});
export type ComposeDatabase = z.infer<typeof ComposeDatabaseSchema>;

/** A service Repo Runner cannot run without Docker, and why. */
export const ComposeUnknownSchema = z.object({
  name: z.string(),
  /** The image; absent when the service builds from outside the repository. */
  image: z.string().optional(),
  /** A message for the user, e.g. `mongo: no MongoDB server on this machine; set MONGODB_URL …`. */
  reason: z.string(),
  /** The variable that points the app at the user's own server, when one is conventional. */
  envVar: z.string().optional(),
});
export type ComposeUnknown = z.infer<typeof ComposeUnknownSchema>;

/** What a repository's Compose file asks to run, sorted into what Repo Runner can run natively. */
export const ComposePlanSchema = z.object({
  /** The Compose file read, e.g. `docker-compose.yml`. */
  file: z.string(),
  build: z.array(ComposeBuildServiceSchema),
  databases: z.array(ComposeDatabaseSchema),
  unknown: z.array(ComposeUnknownSchema),
  /** Every service (unknown ones included) in an order that starts dependencies first. */
  order: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type ComposePlan = z.infer<typeof ComposePlanSchema>;
