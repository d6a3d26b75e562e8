import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { startService } from '../agents/runner-agent.js';
import { isProcessAlive, stopProcessGroup } from '../exec/process-group.js';
import { capLogFile, type LogCap } from '../exec/log-rotation.js';
import { probeHttp } from '../health/http-check.js';
import { connectHost } from '../health/readiness.js';
import type { RunContext } from '../model/run-context.js';
import type { RunningService } from '../model/run-state.js';
import { describeExit } from '../model/service-exit.js';
import { runStateFile, writeJsonAtomic } from '../store/state-files.js';
import { tailFile } from '../health/log-tail.js';
import { RESTART_POLICY, startLimitHit, type RestartPolicy } from './restart-policy.js';
import { recordServiceFailed, recordServicePid } from './supervised-report.js';

interface Watched {
  svc: RunningService;
  failures: number;
  restarts: number;
  /** When each restart happened (ms since the epoch), for the burst limit. */
  restartTimes: number[];
  nextBackoffMs: number;
  restartAt: number | null;
  /** Given up after a crash loop: no longer watched or restarted. */
  failed: boolean;
  logOffset: number;
  partial: string;
}

/**
 * Keeps a healthy run's services up after the pipeline: checks each process every second
 * and its HTTP liveness every 10 s, restarts a crashed or hung service with exponential
 * backoff, and copies new log lines to the run's events. A crash loop (more than
 * `burst` restarts within `intervalMs`, see {@link RESTART_POLICY}) is given up: the
 * service is recorded `failed` with its last log lines and the run becomes `partial` or
 * `failed`. Every restart writes the new pid to the run's report and process records, so
 * `status` shows the live pid. The foreground `run` uses it in-process; `run --detach` and
 * `resume` of a run whose supervisor died in a small detached process of its own.
 */
export class Supervisor {
  private readonly watched: Watched[];
  private tickTimer: NodeJS.Timeout | undefined;
  private lastLiveness = Date.now();
  private busy = false;
  private stopping = false;
  private logCaps: LogCap[] = [];
  private readonly policy: RestartPolicy;
  private settle: () => void = () => {};
  /** Resolves once every service has been given up (nothing is left to supervise). */
  readonly allFailed: Promise<void>;

  constructor(
    private readonly ctx: RunContext,
    policy: Partial<RestartPolicy> = {},
  ) {
    this.policy = { ...RESTART_POLICY, ...policy };
    this.allFailed = new Promise((resolve) => (this.settle = resolve));
    this.watched = (ctx.state.services ?? []).map((svc) => ({
      svc,
      failures: 0,
      restarts: 0,
      restartTimes: [],
      nextBackoffMs: this.policy.backoffStartMs,
      restartAt: null,
      failed: false,
      logOffset: fileSize(svc.logFile),
      partial: '',
    }));
  }

  /** Begins watching. Returns at once. */
  start(): void {
    this.tickTimer = setInterval(() => void this.tick(), this.policy.checkEveryMs);
    // Service logs are capped at the tier's size, rotated to `<name>.log.1`.
    const logBytes = this.ctx.isolation?.limits?.logBytes;
    if (logBytes) this.logCaps = this.watched.map((w) => capLogFile(w.svc.logFile, logBytes));
  }

  /** Restarts per service so far, and whether it was given up. */
  restartCounts(): Array<{ name: string; restarts: number; failed: boolean }> {
    return this.watched.map((w) => ({ name: w.svc.name, restarts: w.restarts, failed: w.failed }));
  }

  /** Stops watching and stops every service's process group (SIGTERM, grace, SIGKILL). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    for (const cap of this.logCaps) cap.stop();
    await Promise.all(this.watched.map((w) => stopProcessGroup(w.svc.pid)));
    this.copyLogs();
    await this.ctx.bus.flush();
  }

  /** The services as they are now (pids change on restart). */
  services(): RunningService[] {
    return this.watched.map((w) => w.svc);
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopping) return;
    this.busy = true;
    try {
      this.copyLogs();
      const now = Date.now();
      const probeLiveness = now - this.lastLiveness >= this.policy.livenessEveryMs;
      if (probeLiveness) this.lastLiveness = now;
      for (const w of this.watched) if (!w.failed) await this.check(w, now, probeLiveness);
    } finally {
      this.busy = false;
    }
  }

  private async check(w: Watched, now: number, probeLiveness: boolean): Promise<void> {
    const alive = !this.ctx.exits.has(w.svc.pid) && isProcessAlive(w.svc.pid);
    if (alive && w.restartAt === null) {
      if (now - Date.parse(w.svc.startedAt) > this.policy.stableAfterMs)
        w.nextBackoffMs = this.policy.backoffStartMs;
      if (probeLiveness && w.svc.port !== null) {
        const url = `http://${connectHost(this.ctx.state.decided?.host ?? '127.0.0.1')}:${w.svc.port}/`;
        const probe = await probeHttp(url, 5000);
        w.failures = probe.ok || probe.status !== null ? 0 : w.failures + 1;
        if (w.failures >= this.policy.livenessFailures) {
          this.ctx.bus.publish({
            kind: 'service',
            service: w.svc.name,
            message: `liveness failed ${w.failures} times (${probe.detail}): restarting`,
          });
          await stopProcessGroup(w.svc.pid);
          w.failures = 0;
          w.restartAt = now;
        }
      }
      return;
    }
    if (w.restartAt === null) {
      const exit = this.ctx.exits.get(w.svc.pid);
      const how = exit ? describeExit(exit) : 'exited';
      if (startLimitHit(w.restartTimes, now, this.policy)) return this.giveUp(w, how);
      w.restartAt = now + w.nextBackoffMs;
      this.ctx.bus.publish({
        kind: 'service',
        service: w.svc.name,
        message: `${how}; restarting in ${w.nextBackoffMs} ms`,
        data: { health: 'unhealthy' },
      });
      w.nextBackoffMs = Math.min(w.nextBackoffMs * 2, this.policy.backoffMaxMs);
      return;
    }
    if (now < w.restartAt) return;
    await this.restart(w);
  }

  private async restart(w: Watched): Promise<void> {
    const { plan, workspace, decided } = this.ctx.state;
    const spec = plan?.services.find((s) => s.name === w.svc.name);
    if (!spec || !workspace || !decided) return;
    const run = await this.ctx.store.getRun(this.ctx.runId);
    // The run was stopped meanwhile: never bring it back. `partial`: another service gave up.
    if (run?.status !== 'healthy' && run?.status !== 'partial') return;
    try {
      // In the run's own network the app gets its port inside again (its host port, when
      // moved off a taken one, is kept by the publisher); on the host's network, the port
      // it was last reached on.
      const port = this.ctx.isolation?.network
        ? (decided.ports[spec.name] ?? w.svc.port)
        : w.svc.port;
      const fresh = await startService(this.ctx, workspace.repoPath, spec, port, decided.host);
      w.svc = fresh;
      w.restarts += 1;
      w.restartTimes.push(Date.now());
      w.restartAt = null;
      await recordServicePid(this.ctx.store, this.ctx.runId, fresh, w.restarts);
      this.ctx.bus.publish({
        kind: 'service',
        service: fresh.name,
        message: `restarted (restart ${w.restarts}), pid ${fresh.pid}`,
        data: { pid: fresh.pid, restarts: w.restarts },
      });
      this.ctx.state.services = this.services();
      await this.ctx.store.saveCheckpoint(this.ctx.runId, 'start', {
        services: this.ctx.state.services,
      });
      writeJsonAtomic(runStateFile(this.ctx.runDir), {
        runId: this.ctx.runId,
        currentPhase: 'supervise',
        services: this.services().map((s) => ({ name: s.name, pid: s.pid, port: s.port })),
        updatedAt: new Date().toISOString(),
      });
    } catch (err) {
      w.restartAt = Date.now() + w.nextBackoffMs;
      this.ctx.bus.publish({
        kind: 'warning',
        service: w.svc.name,
        message: `restart failed: ${(err as Error).message}`,
      });
    }
  }

  /** Ends a crash loop: the service is recorded failed with its last log lines. */
  private async giveUp(w: Watched, how: string): Promise<void> {
    w.failed = true;
    w.restartAt = null;
    await stopProcessGroup(w.svc.pid); // children it left behind
    this.copyLogs();
    const logTail = tailFile(w.svc.logFile, this.policy.logTailLines);
    const detail = `${how}; gave up after ${w.restarts} restarts within ${this.policy.intervalMs / 1000} s (crash loop)`;
    this.ctx.bus.publish({
      kind: 'service',
      service: w.svc.name,
      message: `failed: ${detail}`,
      data: { health: 'failed', restarts: w.restarts, logTail },
    });
    await recordServiceFailed(this.ctx.store, this.ctx.runId, w.svc.name, {
      restarts: w.restarts,
      detail,
      logTail,
    });
    await this.ctx.bus.flush();
    if (this.watched.every((x) => x.failed)) this.settle();
  }

  private copyLogs(): void {
    for (const w of this.watched) {
      const size = fileSize(w.svc.logFile);
      if (size < w.logOffset) w.logOffset = 0;
      if (size === w.logOffset) continue;
      const length = Math.min(size - w.logOffset, 1024 * 1024);
      const buf = Buffer.alloc(length);
      const fd = openSync(w.svc.logFile, 'r');
      try {
        readSync(fd, buf, 0, length, w.logOffset);
      } finally {
        closeSync(fd);
      }
      w.logOffset += length;
      const lines = (w.partial + buf.toString('utf8')).split('\n');
      w.partial = lines.pop() ?? '';
      for (const line of lines)
        if (line.trim()) this.ctx.bus.publish({ kind: 'log', service: w.svc.name, message: line });
    }
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
