import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, cli, copyFixture, readExpect } from './helpers.js';

/** Every fixture repo (a folder of fixtures/repos with an expect.json), sorted. */
export function fixtureNames(): string[] {
  const dir = path.join(ROOT, 'fixtures', 'repos');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && readdirSync(path.join(dir, d.name)).includes('expect.json'))
    .map((d) => d.name)
    .sort();
}

/** What running one fixture gave. Times in milliseconds. */
export interface FixtureResult {
  fixture: string;
  healthy: boolean;
  /** The expectation (path, status, body) held for the service it names. */
  answered: boolean;
  exitCode: number;
  timeToHealthyMs: number;
  phases: Record<string, number | null>;
  services: Array<{ name: string; health: string; url: string | null }>;
  warnings: string[];
  error: string | null;
  runId: string | null;
}

/**
 * Copies a fixture into `workDir`, runs `repo-runner run --detach --json` on it with data dir
 * `home`, checks its expect.json against the named (or first) service, then stops the run.
 */
export async function runFixture(
  name: string,
  workDir: string,
  home: string,
  extraArgs: string[] = [],
): Promise<FixtureResult> {
  const repo = copyFixture(name, workDir);
  const expect = readExpect(name) as ReturnType<typeof readExpect> & { service?: string };
  const started = performance.now();
  const out = await cli(home, ['run', repo, '--detach', '--json', ...extraArgs], {
    timeoutMs: 600_000,
  });
  const timeToHealthyMs = Math.round(performance.now() - started);
  let report: any;
  try {
    report = JSON.parse(out.stdout);
  } catch {
    return {
      fixture: name,
      healthy: false,
      answered: false,
      exitCode: out.code,
      timeToHealthyMs,
      phases: {},
      services: [],
      warnings: [],
      error: `no JSON report: ${out.stderr.slice(-500)}`,
      runId: null,
    };
  }
  let answered = false;
  let error: string | null = report.error ? `${report.error.code}: ${report.error.message}` : null;
  try {
    const svc = report.services.find((s: any) =>
      expect.service ? s.name === expect.service : s.url !== null,
    );
    if (svc?.url) {
      const res = await fetch(new URL(expect.path, svc.url), {
        signal: AbortSignal.timeout(10_000),
      });
      const body = await res.text();
      answered = res.status === expect.status && body.includes(expect.bodyContains);
      if (!answered) error = `${svc.name} answered ${res.status}: ${body.slice(0, 200)}`;
    }
  } catch (err) {
    error = `request failed: ${(err as Error).message}`;
  } finally {
    if (report.runId) await cli(home, ['stop', report.runId]);
  }
  return {
    fixture: name,
    healthy: report.status === 'healthy',
    answered,
    exitCode: out.code,
    timeToHealthyMs,
    phases: Object.fromEntries(report.phases.map((p: any) => [p.name, p.durationMs])),
    services: report.services.map((s: any) => ({ name: s.name, health: s.health, url: s.url })),
    warnings: report.warnings,
    error,
    runId: report.runId,
  };
}
