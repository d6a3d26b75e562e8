import { RepoRunnerError } from '../../model/errors.js';
import type { ComposeService, DependsCondition } from './compose-schema.js';

/** One `depends_on` entry, normalised from the list or the map form. */
export interface Dependency {
  name: string;
  /** `service_started` when not given (and always for the list form). */
  condition: DependsCondition;
  /** `required: false`: the dependent starts even when this one is missing. */
  required: boolean;
}

/** A service's `depends_on` entries, in file order. */
export function dependenciesOf(service: ComposeService): Dependency[] {
  const deps = service.depends_on;
  if (deps === undefined) return [];
  if (Array.isArray(deps)) {
    return deps.map((name) => ({ name, condition: 'service_started', required: true }));
  }
  return Object.entries(deps).map(([name, d]) => ({
    name,
    condition: d?.condition ?? 'service_started',
    required: d?.required ?? true,
  }));
}

/** The start order of a set of services, and how each must be waited for. */
export interface StartOrder {
  /** Every service, dependencies before their dependents; ties keep file order. */
  order: string[];
  /** Services some dependent waits on with `service_healthy`. */
  waitHealthy: string[];
  /** Services some dependent waits on with `service_completed_successfully`. */
  runsToCompletion: string[];
}

/**
 * Orders services so each starts after its `depends_on` (Kahn's algorithm, file order
 * breaking ties). Dependencies on services not in `deps` are ignored (the caller warns).
 * Throws a `BAD_INPUT` {@link RepoRunnerError} naming the cycle (`a -> b -> a`) when there
 * is one, as `docker compose` refuses such a file.
 *
 * @example
 * startOrder({ api: [{ name: 'db', condition: 'service_healthy', required: true }], db: [] });
 * // { order: ['db', 'api'], waitHealthy: ['db'], runsToCompletion: [] }
 */
export function startOrder(deps: Record<string, Dependency[]>): StartOrder {
  const names = Object.keys(deps);
  const known = (d: Dependency) => Object.hasOwn(deps, d.name);
  const pending = new Map(
    names.map((n) => [n, new Set((deps[n] ?? []).filter(known).map((d) => d.name))]),
  );
  const order: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending.keys()].find((n) => pending.get(n)?.size === 0);
    if (ready === undefined) {
      const cycle = findCycle(pending);
      throw new RepoRunnerError(
        'BAD_INPUT',
        `depends_on cycle: ${cycle.join(' -> ')}`,
        'remove one of these depends_on entries so the services can start in order',
      );
    }
    order.push(ready);
    pending.delete(ready);
    for (const waiting of pending.values()) waiting.delete(ready);
  }
  const all = Object.values(deps).flat().filter(known);
  const withCondition = (c: DependsCondition) =>
    order.filter((n) => all.some((d) => d.name === n && d.condition === c));
  return {
    order,
    waitHealthy: withCondition('service_healthy'),
    runsToCompletion: withCondition('service_completed_successfully'),
  };
}

/** A cycle among services that all still wait, as `a, b, …, a`. */
function findCycle(pending: Map<string, Set<string>>): string[] {
  const path: string[] = [];
  let current = pending.keys().next().value as string;
  while (!path.includes(current)) {
    path.push(current);
    current = [...(pending.get(current) ?? [])][0] ?? current;
  }
  return [...path.slice(path.indexOf(current)), current];
}
