import assert from 'node:assert/strict';
import { test } from 'node:test';
import { portableCommand } from './apply-procfile.js';
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

test('Heroku-only PHP boot scripts become the built-in server on the same document root', () => {
  assert.equal(portableCommand('heroku-php-apache2 web/'), 'php -S 127.0.0.1:$PORT -t web/');
  assert.equal(
    portableCommand('heroku-php-nginx -C nginx.conf public/'),
    'php -S 127.0.0.1:$PORT -t public/',
  );
  assert.equal(portableCommand('heroku-php-apache2'), 'php -S 127.0.0.1:$PORT -t .');
  assert.equal(portableCommand('gunicorn app:app'), 'gunicorn app:app');
});
