/** The Node frameworks the provider knows, by the name recorded in `ServiceSpec.framework`. */
export type NodeFramework = 'next' | 'vite' | 'nestjs' | 'express' | 'fastify' | 'koa' | 'hapi';

/** Package → framework, in priority order: a meta-framework wins over the server it wraps. */
const FRAMEWORK_PACKAGES: readonly [string, NodeFramework][] = [
  ['next', 'next'],
  ['vite', 'vite'],
  ['@nestjs/core', 'nestjs'],
  ['express', 'express'],
  ['fastify', 'fastify'],
  ['koa', 'koa'],
  ['@hapi/hapi', 'hapi'],
  ['hapi', 'hapi'],
];

/**
 * The first framework of {@link FRAMEWORK_PACKAGES} among the dependencies (runtime or dev),
 * or null. Next.js before Vite before NestJS before the plain servers, because a Next or
 * NestJS app also depends on the lower-level packages.
 *
 * @example
 * detectFramework(new Set(['express', 'next'])); // 'next'
 */
export function detectFramework(dependencies: Set<string>): NodeFramework | null {
  for (const [pkg, framework] of FRAMEWORK_PACKAGES) {
    if (dependencies.has(pkg)) return framework;
  }
  return null;
}
