import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RepoRunnerError } from '../../model/errors.js';
import { dependenciesOf, startOrder, type Dependency } from './start-order.js';

const on = (name: string, condition: Dependency['condition'] = 'service_started'): Dependency => ({
  name,
  condition,
  required: true,
});

test('startOrder puts dependencies first, keeping file order among equals', () => {
  const result = startOrder({
    api: [on('db', 'service_healthy'), on('cache')],
    worker: [on('migrate', 'service_completed_successfully'), on('db', 'service_healthy')],
    migrate: [on('db')],
    db: [],
    cache: [],
    web: [on('ghost')],
  });
  assert.deepEqual(result.order, ['db', 'migrate', 'worker', 'cache', 'api', 'web']);
  assert.deepEqual(result.waitHealthy, ['db']);
  assert.deepEqual(result.runsToCompletion, ['migrate']);
});

test('startOrder names the cycle', () => {
  assert.throws(
    () => startOrder({ web: [on('api')], api: [on('worker')], worker: [on('api')] }),
    (err: unknown) =>
      err instanceof RepoRunnerError &&
      err.code === 'BAD_INPUT' &&
      err.message === 'depends_on cycle: api -> worker -> api',
  );
  assert.throws(() => startOrder({ a: [on('a')] }), /cycle: a -> a/);
});

test('dependenciesOf reads the list and the map forms', () => {
  assert.deepEqual(dependenciesOf({ depends_on: ['db'] }), [on('db')]);
  assert.deepEqual(
    dependenciesOf({
      depends_on: { db: { condition: 'service_healthy' }, x: { required: false }, y: null },
    }),
    [on('db', 'service_healthy'), { ...on('x'), required: false }, on('y')],
  );
});
