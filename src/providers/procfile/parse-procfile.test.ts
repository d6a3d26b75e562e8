import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProcfile } from './parse-procfile.js';

test('parseProcfile reads types and commands, skips comments, keeps the first of a type', () => {
  const entries = parseProcfile(
    '# comment\nweb: gunicorn app:app --bind 0.0.0.0:$PORT\n\nworker:python worker.py\nweb: other\nnot a line\n',
  );
  assert.deepEqual(entries, [
    { name: 'web', command: 'gunicorn app:app --bind 0.0.0.0:$PORT' },
    { name: 'worker', command: 'python worker.py' },
  ]);
});

test('parseProcfile accepts CRLF and types with dashes', () => {
  assert.deepEqual(
    parseProcfile('web-ui: npm start\r\nclock: node clock.js\r\n').map((e) => e.name),
    ['web-ui', 'clock'],
  );
});
