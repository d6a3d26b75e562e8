import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyLog } from '../failures.test-kit.js';

test('psycopg2 connection refused (libpq 14+) inside a Django traceback', () => {
  const sig =
    classifyLog(`  File "/app/.venv/lib/python3.11/site-packages/psycopg2/__init__.py", line 122, in connect
    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)
django.db.utils.OperationalError: connection to server at "localhost" (127.0.0.1), port 5432 failed: Connection refused
	Is the server running on that host and accepting TCP/IP connections?`);
  assert.equal(sig.class, 'database-connection-refused');
  assert.deepEqual(sig.details, { kind: 'postgres', port: '5432' });
  assert.equal(sig.fixable, true);
});

test('old libpq: could not connect to server, with the port on the next line', () => {
  const sig =
    classifyLog(`psycopg2.OperationalError: could not connect to server: Connection refused
	Is the server running on host "localhost" (127.0.0.1) and accepting
	TCP/IP connections on port 5432?`);
  assert.equal(sig.class, 'database-connection-refused');
  assert.deepEqual(sig.details, { kind: 'postgres', port: '5432' });
});

test('node-postgres: connect ECONNREFUSED 127.0.0.1:5432 with the error object after it', () => {
  const sig = classifyLog(`Error: connect ECONNREFUSED 127.0.0.1:5432
    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16) {
  errno: -111,
  code: 'ECONNREFUSED',
  syscall: 'connect',
  address: '127.0.0.1',
  port: 5432
}`);
  assert.equal(sig.class, 'database-connection-refused');
  assert.deepEqual(sig.details, { kind: 'postgres', host: '127.0.0.1', port: '5432' });
});

test('ioredis: ECONNREFUSED on 6379 is redis', () => {
  const sig = classifyLog(
    '[ioredis] Unhandled error event: Error: connect ECONNREFUSED 127.0.0.1:6379',
  );
  assert.equal(sig.class, 'database-connection-refused');
  assert.equal(sig.details.kind, 'redis');
});

test('redis-py: redis.exceptions.ConnectionError Error 111', () => {
  const sig = classifyLog(
    'redis.exceptions.ConnectionError: Error 111 connecting to localhost:6379. Connection refused.',
  );
  assert.equal(sig.class, 'database-connection-refused');
  assert.deepEqual(sig.details, { kind: 'redis', host: 'localhost', port: '6379' });
});

test("MySQL 2003: Can't connect to MySQL server", () => {
  const sig = classifyLog(
    `MySQLdb.OperationalError: (2003, "Can't connect to MySQL server on 'localhost:3306' (111)")`,
  );
  assert.equal(sig.class, 'database-connection-refused');
  assert.deepEqual(sig.details, { kind: 'mysql', port: '3306' });
});

test('ordering: a compose host name that does not resolve is the database, not the network', () => {
  const sig = classifyLog(
    'psycopg2.OperationalError: could not translate host name "db" to address: Name or service not known',
  );
  assert.equal(sig.class, 'database-connection-refused');
  assert.deepEqual(sig.details, { kind: 'postgres', host: 'db' });
});

test('ECONNREFUSED to a non-database port is not a database failure', () => {
  const sig = classifyLog('Error: connect ECONNREFUSED 127.0.0.1:8000');
  assert.equal(sig.class, 'unknown');
});

test('Django: You have N unapplied migration(s)', () => {
  const sig = classifyLog(`Watching for file changes with StatReloader
Performing system checks...

System check identified no issues (0 silenced).

You have 18 unapplied migration(s). Your project may not work properly until you apply the migrations for app(s): admin, auth, contenttypes, sessions.
Run 'python manage.py migrate' to apply them.`);
  assert.equal(sig.class, 'migration-needed');
  assert.deepEqual(sig.details, {
    framework: 'django',
    count: '18',
    apps: 'admin, auth, contenttypes, sessions',
  });
});

test('PostgreSQL: relation "x" does not exist, framework from the traceback', () => {
  const sig =
    classifyLog(`  File "/app/.venv/lib/python3.11/site-packages/django/db/backends/utils.py", line 89, in _execute
    return self.cursor.execute(sql, params)
django.db.utils.ProgrammingError: relation "shop_product" does not exist
LINE 1: ...shop_product"."name" FROM "shop_product"`);
  assert.equal(sig.class, 'migration-needed');
  assert.deepEqual(sig.details, { table: 'shop_product', framework: 'django' });
});

test('SQLite: no such table', () => {
  const sig = classifyLog('sqlite3.OperationalError: no such table: users');
  assert.equal(sig.class, 'migration-needed');
  assert.deepEqual(sig.details, { table: 'users' });
});

test('Prisma P2021: the table does not exist in the current database', () => {
  const sig = classifyLog(`PrismaClientKnownRequestError:
Invalid \`prisma.user.findMany()\` invocation:

The table \`public.User\` does not exist in the current database.
    at _n.handleRequestError (/app/node_modules/@prisma/client/runtime/library.js:121:7749) {
  code: 'P2021',
  clientVersion: '5.14.0',
  meta: { modelName: 'User', table: 'public.User' }
}`);
  assert.equal(sig.class, 'migration-needed');
  assert.equal(sig.details.framework, 'prisma');
});

test('refusedDatabaseIn: the last refusal in a log tail, IPv6 loopback included; null without one', async () => {
  const { refusedDatabaseIn } = await import('./database.js');
  const tail = [
    'info: starting',
    'MongooseServerSelectionError: connect ECONNREFUSED ::1:27017, connect ECONNREFUSED 127.0.0.1:27017',
    '    at NativeConnection.Connection.openUri',
  ];
  const found = refusedDatabaseIn(tail);
  assert.equal(found?.kind, 'mongodb');
  assert.equal(found?.port, '27017');
  assert.match(found?.line ?? '', /^MongooseServerSelectionError/);
  assert.equal(refusedDatabaseIn(['listening on 3000', 'GET / 200']), null);
  // A port that is no database's is not one.
  assert.equal(refusedDatabaseIn(['Error: connect ECONNREFUSED 127.0.0.1:8080']), null);
});
