import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { cachingStatements } from './statement-cache.js';

/** A real in-memory database whose `prepare` calls are counted. */
function counted() {
  const raw = new BetterSqlite3(':memory:');
  const prepared: string[] = [];
  const db = {
    prepare: (sql: string) => (prepared.push(sql), raw.prepare(sql)),
    close: () => raw.close(),
  };
  return { raw, db, prepared };
}

describe('cachingStatements', () => {
  it('prepares each SQL text once and reuses the statement with new parameters', () => {
    const { db, prepared } = counted();
    const cached = cachingStatements(db);
    cached.prepare('create table t (id integer primary key, v text)').run([]);
    const insert = 'insert into t (v) values (?)';
    for (const v of ['a', 'b', 'c']) cached.prepare(insert).run([v]);
    const select = 'select v from t where id > ? order by id';
    assert.deepEqual(cached.prepare(select).all([1]), [{ v: 'b' }, { v: 'c' }]);
    assert.deepEqual(cached.prepare(select).all([2]), [{ v: 'c' }]);
    assert.equal(prepared.filter((s) => s === insert).length, 1);
    assert.equal(prepared.filter((s) => s === select).length, 1);
    assert.equal(cached.prepare(select).reader, true);
    assert.equal(cached.prepare(insert).reader, false);
  });

  it('keeps at most `max` statements, dropping the least recently used', () => {
    const { db, prepared } = counted();
    const cached = cachingStatements(db, 2);
    cached.prepare('select 1');
    cached.prepare('select 2');
    cached.prepare('select 1'); // now the most recent
    cached.prepare('select 3'); // drops `select 2`
    cached.prepare('select 1');
    cached.prepare('select 3');
    assert.deepEqual(prepared, ['select 1', 'select 2', 'select 3']);
    cached.prepare('select 2');
    assert.deepEqual(prepared.slice(3), ['select 2']);
  });

  it('works after an error in a cached statement, and close() closes the database', () => {
    const { raw, db } = counted();
    const cached = cachingStatements(db);
    cached.prepare('create table u (k text primary key)').run([]);
    const insert = 'insert into u (k) values (?)';
    cached.prepare(insert).run(['x']);
    assert.throws(() => cached.prepare(insert).run(['x']), /UNIQUE/);
    cached.prepare(insert).run(['y']);
    assert.deepEqual(cached.prepare('select k from u order by k').all([]), [
      { k: 'x' },
      { k: 'y' },
    ]);
    cached.close();
    assert.equal(raw.open, false);
  });
});
