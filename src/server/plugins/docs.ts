import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/**
 * The OpenAPI document (from the routes' zod schemas) at `/openapi.json` and interactive
 * docs at `/docs`. Register before the routes.
 */
export async function docsPlugin(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Repo Runner API',
        description:
          'Point it at a repository and it brings it to a running, healthy state. Authenticate with `Authorization: Bearer <token>` (POST /api/v1/auth/login). Every authenticated response carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset; errors are `{ error: { code, message, hint? } }`.',
        version: '1',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { config: { auth: 'none' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}
