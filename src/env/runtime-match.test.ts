import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseRuntime, satisfies, toRange } from './runtime-match.js';

test('toRange reads the ways repos write versions', () => {
  const cases: Array<[string, string, boolean]> = [
    ['3.11', '3.11.7', true],
    ['3.12', '3.11.7', false],
    ['3.11.4', '3.11.9', true],
    ['python-3.11.4', '3.11.7', true],
    ['>=3.10,<3.13', '3.11.7', true],
    ['>=3.12', '3.11.7', false],
    ['~=3.10', '3.11.7', true],
    ['==3.11.*', '3.11.2', true],
    ['^18', '20.20.2', false],
    ['>=18 <21', '20.20.2', true],
    ['20.x', '20.20.2', true],
    ['v20.1.0', '20.20.2', false],
    ['v20.20.0', '20.20.2', true],
  ];
  for (const [wanted, version, ok] of cases) {
    const range = toRange(wanted);
    assert.ok(range !== null, wanted);
    assert.equal(satisfies(version, range), ok, `${wanted} vs ${version} (range ${range})`);
  }
  assert.equal(toRange('lts/*'), null);
  assert.equal(toRange('stable'), null);
});

const py = (name: string, version: string) => ({ name, path: `/usr/bin/${name}`, version });

test('chooseRuntime: the default when it matches, else a versioned sibling, else a warning', () => {
  const tools = [py('python3', '3.11.7'), py('python3.12', '3.12.3')];
  assert.equal(
    chooseRuntime({ tool: 'python3', wanted: '3.11', source: '.python-version' }, tools).use?.name,
    'python3',
  );
  const sib = chooseRuntime({ tool: 'python3', wanted: '3.12', source: '.python-version' }, tools);
  assert.equal(sib.use?.name, 'python3.12');
  assert.match(sib.warning ?? '', /using python3\.12 3\.12\.3/);
  // Newer than any here: the newest is the closest.
  const newer = chooseRuntime(
    { tool: 'python3', wanted: '3.14', source: '.python-version' },
    tools,
  );
  assert.equal(newer.satisfied, false);
  assert.equal(newer.use?.name, 'python3.12');
  assert.match(newer.warning ?? '', /newer than any here: using the newest, python3\.12 3\.12\.3/);
  // Older than the default and no sibling matches: the default, with the warning.
  const none = chooseRuntime({ tool: 'python3', wanted: '3.9', source: 'runtime.txt' }, tools);
  assert.equal(none.satisfied, false);
  assert.equal(none.use?.name, 'python3');
  assert.match(
    none.warning ?? '',
    /runtime\.txt wants python3 3\.9; no matching python3 here, using 3\.11\.7/,
  );
});

test('chooseRuntime with minimum: a newer Go satisfies an older go line', () => {
  const tools = [{ name: 'go', path: '/usr/local/go/bin/go', version: '1.26.8' }];
  assert.equal(
    chooseRuntime({ tool: 'go', wanted: '1.22', source: 'go.mod' }, tools, true).satisfied,
    true,
  );
  assert.equal(
    chooseRuntime({ tool: 'go', wanted: '1.30', source: 'go.mod' }, tools, true).satisfied,
    false,
  );
});
