import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectPlan } from './registry.js';
import { readDockerfile } from './dockerfile.js';
import { RepoView } from '../repo/repo-view.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function tree(files: Record<string, string>): { view: RepoView; done: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-dockerfile-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return { view: new RepoView(dir), done: () => rmSync(dir, { recursive: true, force: true }) };
}

const MULTI_STAGE = [
  'FROM golang:1.22 AS build',
  'WORKDIR /src',
  'ENV GOEXPERIMENT=rangefunc CGO_ENABLED=0',
  'RUN apt-get update && apt-get install -y --no-install-recommends libvips-dev git',
  'COPY . .',
  'RUN go build -o /bin/server .',
  'FROM debian:12-slim',
  'WORKDIR /app',
  'ENV PORT=8080 PATH=/app/bin:$PATH GREETING=hello',
  'EXPOSE 8080/tcp',
  'ENTRYPOINT ["/bin/server"]',
  'CMD ["--config", "/app/config.yaml"]',
].join('\n');

test('a multi-stage Dockerfile: final stage WORKDIR/EXPOSE/ENTRYPOINT+CMD, every stage ENV and apt packages', async () => {
  const t = tree({ Dockerfile: MULTI_STAGE });
  try {
    const facts = await readDockerfile(t.view, '.');
    assert.deepEqual(facts, {
      file: 'Dockerfile',
      workdir: '/app',
      env: {
        GOEXPERIMENT: 'rangefunc',
        CGO_ENABLED: '0',
        PORT: '8080',
        PATH: '/app/bin:$PATH',
        GREETING: 'hello',
      },
      expose: [8080],
      command: ['/bin/server', '--config', '/app/config.yaml'],
      aptPackages: ['libvips-dev', 'git'],
    });
  } finally {
    t.done();
  }
});

test('the plan takes the Dockerfile as evidence: app ENV, EXPOSE as preferred port, CMD named', async () => {
  const t = tree({
    'go.mod': 'module example.com/app\n\ngo 1.22\n',
    'main.go': 'package main\nfunc main() {}\n',
    Dockerfile: MULTI_STAGE,
  });
  try {
    const plan = await detectPlan(t.view);
    const web = plan.services[0]!;
    assert.equal(web.env['GOEXPERIMENT'], 'rangefunc');
    assert.equal(web.env['GREETING'], 'hello');
    assert.equal(web.env['PATH'], undefined, 'the container’s PATH is not copied');
    assert.equal(web.env['PORT'], undefined, 'PORT is Repo Runner’s to give');
    assert.equal(web.preferredPort, 8080);
    assert.ok(
      web.evidence.includes('Dockerfile: CMD /bin/server --config config.yaml'),
      web.evidence.join('\n'),
    );
    assert.ok(web.evidence.includes('Dockerfile: apt-get install libvips-dev git'));
  } finally {
    t.done();
  }
});

test('shell-form CMD: container paths under WORKDIR read relative in the evidence; NODE_ENV is not copied', async () => {
  const t = tree({
    'requirements.txt': 'django\n',
    'manage.py': 'import django\n',
    Dockerfile:
      'FROM python:3.11\nWORKDIR /code\nENV NODE_ENV=production PYTHONUNBUFFERED=1\nCMD python /code/manage.py runserver 0.0.0.0:8000\n',
  });
  try {
    const facts = await readDockerfile(t.view, '.');
    assert.deepEqual(facts?.command, ['sh', '-c', 'python /code/manage.py runserver 0.0.0.0:8000']);
    const plan = await detectPlan(t.view);
    const web = plan.services[0]!;
    assert.ok(
      web.evidence.includes('Dockerfile: CMD python manage.py runserver 0.0.0.0:8000'),
      web.evidence.join('\n'),
    );
    assert.equal(web.env['NODE_ENV'], undefined);
    assert.equal(web.env['PYTHONUNBUFFERED'], '1');
  } finally {
    t.done();
  }
});
