import { z } from 'zod';

/** A YAML scalar as a string: `PORT: 8000` and `DEBUG: true` are strings to Compose. */
const Scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/** `build: ./api` or `build: { context: ./api, dockerfile: Dockerfile.dev }`. */
const BuildSchema = z.union([
  z.string(),
  z.looseObject({ context: z.string().optional(), dockerfile: z.string().optional() }),
]);

/** `environment:` as a map (a null value means "from the shell") or a list of `K=V` / `K`. */
const EnvironmentSchema = z.union([z.record(z.string(), Scalar.nullable()), z.array(z.string())]);

/** `env_file:` as one path, a list of paths, or a list of `{ path, required }`. */
const EnvFileSchema = z.union([
  z.string(),
  z.array(
    z.union([z.string(), z.looseObject({ path: z.string(), required: z.boolean().optional() })]),
  ),
]);

/** A `ports:` entry: short syntax (`"8080:80"`, `80`) or long syntax `{ target, published }`. */
const PortSchema = z.union([
  z.string(),
  z.number().int(),
  z.looseObject({ target: Scalar, published: Scalar.optional() }),
]);

/** How a dependency must be before its dependent starts. */
export const DependsConditionSchema = z.enum([
  'service_started',
  'service_healthy',
  'service_completed_successfully',
]);
export type DependsCondition = z.infer<typeof DependsConditionSchema>;

/** `depends_on:` as a list of names or a map of name → `{ condition, required }`. */
const DependsOnSchema = z.union([
  z.array(z.string()),
  z.record(
    z.string(),
    z
      .looseObject({
        condition: DependsConditionSchema.optional(),
        required: z.boolean().optional(),
      })
      .nullable(),
  ),
]);

/**
 * One service of a Compose file: only the keys Repo Runner reads are checked (unknown keys,
 * `healthcheck` and `volumes` among them, pass through unread).
 * Source: https://docs.docker.com/reference/compose-file/services/
 */
export const ComposeServiceSchema = z.looseObject({
  image: z.string().optional(),
  build: BuildSchema.optional(),
  command: z
    .union([z.string(), z.array(Scalar)])
    .nullable()
    .optional(),
  environment: EnvironmentSchema.optional(),
  env_file: EnvFileSchema.optional(),
  ports: z.array(PortSchema).optional(),
  expose: z.array(Scalar).optional(),
  depends_on: DependsOnSchema.optional(),
  profiles: z.array(z.string()).optional(),
});
export type ComposeService = z.infer<typeof ComposeServiceSchema>;

/**
 * The top level of a Compose file: a `services` map; `version`, `x-*` extensions, `volumes`,
 * `networks` and other keys pass through unread.
 * Source: https://docs.docker.com/reference/compose-file/
 */
export const ComposeFileSchema = z.looseObject({
  services: z.record(z.string(), ComposeServiceSchema).optional(),
});
export type ComposeFile = z.infer<typeof ComposeFileSchema>;
