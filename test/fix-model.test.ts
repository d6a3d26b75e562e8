import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cli, parseJson, processesUnder, tempDir } from './helpers.js';
import { closedPort, startScriptedModelServer } from './support/scripted-model-server.js';

/**
 * Model-assisted fixing, end to end: a repo whose failure no rule answers (a non-secret env
 * variable the app requires), run by the CLI against a scripted OpenAI-compatible server.
 */
const tmp = tempDir('fix-model');
after(tmp.cleanup);

/** A stdlib web app that needs APP_MODE set (KeyError otherwise). */
function modeApp(name: string): string {
  const dir = path.join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'requirements.txt'), '');
  writeFileSync(
    path.join(dir, 'app.py'),
    [
      'import os',
      'from http.server import BaseHTTPRequestHandler, HTTPServer',
      'MODE = os.environ["APP_MODE"]',
      'class H(BaseHTTPRequestHandler):',
      '    def do_GET(self):',
      '        self.send_response(200); self.end_headers(); self.wfile.write(f"mode {MODE}".encode())',
      'HTTPServer((os.environ.get("HOST", "127.0.0.1"), int(os.environ["PORT"])), H).serve_forever()',
      '',
    ].join('\n'),
  );
  return dir;
}

const modelEnv = (baseURL: string) => ({
  OPENAI_BASE_URL: baseURL,
  OPENAI_MODEL: 'scripted-fixer',
  OPENAI_API_KEY: 'test-key-123',
});

/** Runs `repo` detached with the model env, answers its URL, then stops it. */
async function runWithModel(repo: string, home: string, baseURL: string) {
  const out = await cli(home, ['run', repo, '--detach', '--json', '--health-timeout', '20'], {
    env: modelEnv(baseURL),
  });
  const report = parseJson(out);
  let body = '';
  try {
    const url = report.services[0]?.url;
    if (url && report.status === 'healthy')
      body = await (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();
  } finally {
    await cli(home, ['stop', report.runId]);
  }
  assert.deepEqual(processesUnder(repo), [], 'no process of the run is left');
  return { report, body };
}

describe('model-assisted fixing', () => {
  it('applies a valid proposal, refuses unsafe ones, and sends a compact context', async () => {
    const server = await startScriptedModelServer([
      {
        kind: 'tool-calls',
        calls: [
          {
            name: 'switch_start_command',
            arguments: { service: 'web', argv: ['sh', '-c', 'rm -rf /'] },
          },
          { name: 'chmod', arguments: { path: '../../etc/passwd' } },
          { name: 'delete_repo', arguments: {} },
          { name: 'set_env', arguments: { service: 'web', name: 'APP_MODE', value: 'dev' } },
        ],
      },
    ]);
    try {
      const { report, body } = await runWithModel(
        modeApp('needs-mode'),
        path.join(tmp.dir, 'home-1'),
        server.baseURL,
      );
      assert.equal(report.status, 'healthy');
      assert.equal(body, 'mode dev');
      const outcomes = report.fixes.map((f: any) => [f.source, f.action.kind, f.outcome]);
      assert.deepEqual(outcomes.at(-1), ['model', 'set-env', 'fixed']);
      const refused = report.fixes.filter((f: any) => f.outcome === 'refused');
      assert.equal(refused.length, 3, JSON.stringify(report.fixes));
      assert.ok(refused.some((f: any) => /sh is not a toolchain program/.test(f.detail)));
      // The request: one chat completion with the key, the model, the tools and the log.
      assert.equal(server.requests.length, 1);
      const req = server.requests[0]!;
      assert.equal(req.path, '/v1/chat/completions');
      assert.equal(req.headers.authorization, 'Bearer test-key-123');
      assert.equal(req.body.model, 'scripted-fixer');
      const tools = req.body.tools.map((t: any) => t.function.name);
      assert.ok(tools.includes('set_env') && tools.includes('add_package'), tools.join(','));
      const text = JSON.stringify(req.body.messages);
      assert.match(text, /KeyError: 'APP_MODE'/);
      assert.match(text, /MODE = os.environ\[/, 'the file the traceback names is in the context');
      // The context index located the variable: in the model's context and in the report.
      assert.match(text, /The repository's index finds: `APP_MODE` is read in app.py:3/);
      const fixed = report.fixes.at(-1);
      assert.equal(fixed.located, '`APP_MODE` is read in app.py:3', JSON.stringify(fixed));
    } finally {
      await server.stop();
    }
  });

  it('goes on model-free when the endpoint is down: failed, classified, warned', async () => {
    const port = await closedPort();
    const started = Date.now();
    const { report } = await runWithModel(
      modeApp('needs-mode-down'),
      path.join(tmp.dir, 'home-2'),
      `http://127.0.0.1:${port}/v1`,
    );
    assert.equal(report.status, 'failed');
    assert.equal(report.cause.class, 'env-var-missing');
    assert.match(report.cause.nextStep, /APP_MODE/);
    assert.deepEqual(report.cause.where, ['app.py:3'], JSON.stringify(report.cause));
    assert.equal(report.index.backend, 'text');
    assert.ok(
      report.warnings.some((w: string) => /unreachable|ECONNREFUSED/.test(w)),
      report.warnings.join('\n'),
    );
    assert.ok(Date.now() - started < 120_000);
  });
});
