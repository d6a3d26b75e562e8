import { randomBytes } from 'node:crypto';
import {
  createQueryId,
  type Compilable,
  type CompiledQuery,
  type Kysely,
  type QueryResult,
} from 'kysely';

/** `param(name)` in a {@link preparedQuery} builder: stands for `params[name]` at each run. */
export type Param<P> = <K extends keyof P & string>(name: K) => P[K];

interface Compiled {
  query: CompiledQuery<unknown>;
  /** For each parameter of `query`: the name of the param it takes, or null for a constant. */
  slots: Array<string | null>;
}

/**
 * A kysely query built and compiled once per kysely instance, then run with new parameter
 * values: for the few queries of every API request, where building the query (operation
 * nodes, parsing references) and compiling it to SQL cost more than SQLite takes to run it.
 * The SQL text is also the same string object each time, which the SQLite statement cache
 * (`statement-cache.ts`) finds without rehashing a new string.
 *
 * `build(db, param)` writes the query as usual, with `param('name')` where a value of
 * `params` goes: it is compiled with a unique placeholder value there, whose positions among
 * the compiled parameters are then replaced on each run. Only plain values can be params
 * (anything kysely binds as one parameter: strings, numbers); not `in` lists, not `null`
 * (kysely writes `is null` for it), nothing kysely inlines into the SQL. A param kysely did not
 * bind as exactly a parameter makes the first run reject. The result is typed as the query's.
 *
 * Runs through `db.executeQuery`, so connections, transactions and plugins work as for any
 * query; compiled once per kysely instance (a transaction is another instance).
 *
 * @example
 * const byId = preparedQuery((db: Kysely<Database>, p: Param<{ id: string }>) =>
 *   db.selectFrom('runs').selectAll().where('id', '=', p('id')));
 * const { rows } = await byId(db, { id: 'r1' });
 */
export function preparedQuery<DB, P extends Record<string, unknown>, O>(
  build: (db: Kysely<DB>, param: Param<P>) => Compilable<O>,
): (db: Kysely<DB>, params: P) => Promise<QueryResult<O>> {
  const compiled = new WeakMap<Kysely<DB>, Compiled>();
  const compile = (db: Kysely<DB>): Compiled => {
    const nonce = randomBytes(8).toString('hex');
    const names = new Map<string, string>();
    const param = ((name: string) => {
      const placeholder = `\u0000param:${name}:${nonce}`;
      names.set(placeholder, name);
      return placeholder;
    }) as Param<P>;
    const query = build(db, param).compile() as CompiledQuery<unknown>;
    const slots = query.parameters.map((v) =>
      typeof v === 'string' ? (names.get(v) ?? null) : null,
    );
    for (const [placeholder, name] of names) {
      if (query.sql.includes(placeholder) || !slots.includes(name))
        throw new Error(`prepared query: param ${name} is not bound as a parameter: ${query.sql}`);
    }
    return { query, slots };
  };
  return (db, params) => {
    let c = compiled.get(db);
    if (!c) {
      try {
        compiled.set(db, (c = compile(db)));
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }
    const { query, slots } = c;
    const parameters = slots.map((name, i) => (name === null ? query.parameters[i] : params[name]));
    return db.executeQuery<O>({ ...query, parameters, queryId: createQueryId() });
  };
}
