import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDotenv } from './dotenv.js';

test('parseDotenv reads quoted, unquoted, exported and commented lines', () => {
  const text = [
    '# comment',
    '',
    'A=1',
    'export B = two # trailing comment',
    "C='literal ${A} # kept'",
    'D="line\\nnext ${A}" # comment',
    'E=',
    'F=x#not-a-comment',
    'not a line',
  ].join('\r\n');
  const issues: string[] = [];
  assert.deepEqual(
    parseDotenv(
      text,
      () => undefined,
      (i) => issues.push(i),
    ),
    { A: '1', B: 'two', C: 'literal ${A} # kept', D: 'line\nnext 1', E: '', F: 'x#not-a-comment' },
  );
  assert.deepEqual(issues, ['line 9: not a VAR=VALUE line, ignored']);
});

test('parseDotenv lets the outer environment win when interpolating', () => {
  assert.deepEqual(
    parseDotenv('HOST=db\nURL=postgres://${HOST}/app', (n) =>
      n === 'HOST' ? 'localhost' : undefined,
    ),
    {
      HOST: 'db',
      URL: 'postgres://localhost/app',
    },
  );
});
