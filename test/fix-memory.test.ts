import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, it } from 'node:test';
import { cli, parseJson, tempDir } from './helpers.js';

/**
 * Fix memory across repositories: a fix learned on one run is tried first on the next run
 * of another repo with the same error signature (issue #5, "Show").
 */
const tmp = tempDir('fix-memory');
after(tmp.cleanup);

/** A stdlib web app that imports `dotenv` without declaring python-dotenv. */
function dotenvApp(name: string, greeting: string): string {
  const dir = path.join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'requirements.txt'), '');
  writeFileSync(
    path.join(dir, 'main.py'),
    [
      'import os',
      'from http.server import BaseHTTPRequestHandler, HTTPServer',
      'from dotenv import load_dotenv',
      'load_dotenv()',
      'class H(BaseHTTPRequestHandler):',
      '    def do_GET(self):',
      `        self.send_response(200); self.end_headers(); self.wfile.write(b"${greeting}")`,
      'HTTPServer((os.environ.get("HOST", "127.0.0.1"), int(os.environ["PORT"])), H).serve_forever()',
      '',
    ].join('\n'),
  );
  return dir;
}

it('a fix learned on one repo is tried first, from memory, on another', async () => {
  const home = path.join(tmp.dir, 'home');
  const reports = [];
  for (const [name, greeting] of [
    ['first-app', 'one'],
    ['second-app', 'two'],
  ] as const) {
    const out = await cli(home, ['run', dotenvApp(name, greeting), '--detach', '--json']);
    const report = parseJson(out);
    await cli(home, ['stop', report.runId]);
    assert.equal(report.status, 'healthy', JSON.stringify(report.fixes ?? report.error));
    reports.push(report);
  }
  const [first, second] = reports;
  assert.deepEqual(
    first.fixes.map((f: any) => [f.key, f.source, f.action.name, f.outcome]),
    [['python-module-missing:dotenv', 'rule', 'python-dotenv', 'fixed']],
  );
  assert.deepEqual(
    second.fixes.map((f: any) => [f.key, f.source, f.action.name, f.outcome]),
    [['python-module-missing:dotenv', 'memory', 'python-dotenv', 'fixed']],
  );
  const listed = parseJson(await cli(home, ['fixes', '--json']));
  const global = listed.find((f: any) => f.scope === 'global');
  assert.equal(global.successes, 2);
  assert.equal(global.action.service, '{service}');
  const onlySecond = parseJson(
    await cli(home, ['fixes', '--json', '--repo', path.join(tmp.dir, 'second-app')]),
  );
  assert.equal(onlySecond.length, 1);
  assert.equal(onlySecond[0].successes, 1);
});
