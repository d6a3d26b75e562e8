import {
  chmodSync,
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { RepoRunnerError } from '../../model/errors.js';
import { logFile } from '../../model/paths.js';
import type { PhaseName } from '../../model/phases.js';
import type { CommandSpec, ServiceSpec } from '../../model/plan.js';
import type { RunContext } from '../../model/run-context.js';
import { stopProcessGroups } from '../../exec/run-processes.js';
import { outputTail } from '../../exec/process-result.js';
import { appEnvFor, serviceEnv } from '../../exec/service-env.js';
import { toolEnv } from '../../env/tool-env.js';
import { failureReason, runStep } from '../../exec/run-step.js';
import { portManager } from '../../managers/port-manager.js';
import { resolveInside } from '../../repo/resolve-inside.js';
import type { FixAction } from '../../model/fix-action.js';

/** What applying an action did: how to undo it, and the earliest phase it changes. */
export interface AppliedAction {
  /** Undoes the action's effects outside the run state (files, installed packages). */
  undo: () => Promise<void>;
  /** The earliest phase whose output the action changes (null: none before the failed one). */
  affects: PhaseName | null;
  /** One line for the report. */
  detail: string;
}

const noUndo = async () => undefined;

function serviceOf(ctx: RunContext, name: string): ServiceSpec {
  const svc = ctx.state.plan?.services.find((s) => s.name === name);
  if (!svc) throw new RepoRunnerError('BAD_INPUT', `the plan has no service named ${name}`);
  return svc;
}

function repoPath(ctx: RunContext): string {
  const p = ctx.state.workspace?.repoPath;
  if (!p) throw new Error('fix applied before fetch');
  return p;
}

/** Runs a fix command for a service with its environment; throws with the output tail on failure. */
async function runFixCommand(ctx: RunContext, svc: ServiceSpec, argv: string[], what: string) {
  const root = repoPath(ctx);
  const cmd: CommandSpec = { argv, cwd: svc.root, env: {}, description: what, optional: false };
  const log = logFile(ctx.runDir, `fix-${svc.name}`);
  await runStep(
    ctx,
    cmd,
    root,
    {
      phase: 'fix',
      service: svc.name,
      kind: 'fix',
      logFile: log,
      env: serviceEnv(toolEnv(ctx), root, svc, appEnvFor(ctx.state, svc.name)),
      timeoutMs: ctx.options.commandTimeoutMs,
    },
    {
      // A failed fix is recorded as the attempt's `error` outcome, not a run failure of its own.
      code: 'INTERNAL',
      hint: `read ${log}`,
      message: (result) =>
        `${what} failed (${failureReason(result)}): ${argv.join(' ')}\n${outputTail(result, 10).join('\n')}`,
    },
  );
}

/**
 * The version of package `name` installed in a service's isolation, or null when it is not
 * installed: a venv's `site-packages/<name>-<version>.dist-info` (names compared as PEP 503
 * normalises them), or `node_modules/<name>/package.json`'s version.
 */
export function installedVersion(
  root: string,
  svc: Pick<ServiceSpec, 'install' | 'root'>,
  ecosystem: string,
  name: string,
): string | null {
  const norm = (n: string) => n.toLowerCase().replace(/[-_.]+/g, '_');
  if (ecosystem === 'python' && svc.install?.isolation === 'venv') {
    const lib = path.resolve(root, svc.install.dir, 'lib');
    let pythons: string[];
    try {
      pythons = readdirSync(lib).filter((d) => d.startsWith('python'));
    } catch {
      return null;
    }
    for (const py of pythons) {
      let entries: string[];
      try {
        entries = readdirSync(path.join(lib, py, 'site-packages'));
      } catch {
        continue;
      }
      for (const entry of entries) {
        const m = /^(.+)-([^-]+)\.dist-info$/.exec(entry);
        if (m && norm(m[1]!) === norm(name)) return m[2]!;
      }
    }
    return null;
  }
  try {
    const pkg = path.resolve(root, svc.root, 'node_modules', name, 'package.json');
    const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

/** The package manager command that installs or removes one package in a service's isolation. */
function packageArgv(ctx: RunContext, svc: ServiceSpec, op: 'add' | 'remove', spec: string) {
  const install = svc.install;
  if (install?.isolation === 'venv') {
    const python = path.resolve(repoPath(ctx), install.dir, 'bin', 'python');
    return op === 'add'
      ? [python, '-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', spec]
      : [python, '-m', 'pip', 'uninstall', '-y', spec.split(/[=<>~!]/)[0] ?? spec];
  }
  return op === 'add'
    ? ['npm', 'install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', spec]
    : ['npm', 'uninstall', '--no-save', '--no-package-lock', spec];
}

/**
 * Applies one fix action to a run: the plan and decisions in `ctx.state` are changed in
 * place (the caller snapshots and restores them on rollback); effects outside the state are
 * undone by the returned `undo`. Installs, steps and packages run as tracked commands
 * (`logs/fix-<service>.log`).
 *
 * @throws RepoRunnerError when the action cannot be applied (unknown service, a path outside
 *   the repository, a failing command, system packages not allowed).
 */
export async function applyAction(ctx: RunContext, action: FixAction): Promise<AppliedAction> {
  const root = repoPath(ctx);
  switch (action.kind) {
    case 'add-package':
    case 'pin-version': {
      const svc = serviceOf(ctx, action.service);
      const spec = action.version
        ? `${action.name}${action.ecosystem === 'python' ? '==' : '@'}${action.version}`
        : action.name;
      // What was there before: the undo puts that version back rather than removing the
      // package (a pin of Werkzeug rolled back must not leave Flask without it).
      const before = installedVersion(root, svc, action.ecosystem, action.name);
      await runFixCommand(ctx, svc, packageArgv(ctx, svc, 'add', spec), `install ${spec}`);
      return {
        affects: null,
        detail: `installed ${spec} into ${svc.name}'s ${svc.install?.isolation ?? 'environment'}`,
        undo: async () => {
          const restore =
            before === null
              ? packageArgv(ctx, svc, 'remove', action.name)
              : packageArgv(
                  ctx,
                  svc,
                  'add',
                  `${action.name}${action.ecosystem === 'python' ? '==' : '@'}${before}`,
                );
          await runFixCommand(
            ctx,
            svc,
            restore,
            before === null ? `remove ${action.name}` : `restore ${action.name} ${before}`,
          ).catch(() => undefined);
        },
      };
    }
    case 'set-env': {
      const svc = serviceOf(ctx, action.service);
      svc.env[action.name] = action.value;
      svc.start.env[action.name] = action.value;
      return { affects: 'start', detail: `set ${action.name} for ${svc.name}`, undo: noUndo };
    }
    case 'move-port': {
      const svc = serviceOf(ctx, action.service);
      const decided = ctx.state.decided;
      if (!decided) throw new Error('move-port before plan');
      const old = decided.ports[svc.name];
      const fresh = await portManager.allocate(ctx.store, ctx.runId, decided.host, [svc.name]);
      const port = fresh[svc.name];
      if (port === undefined || port === old)
        throw new RepoRunnerError('START_FAILED', `no other free port for ${svc.name}`);
      decided.ports[svc.name] = port;
      return {
        affects: 'start',
        detail: `moved ${svc.name} from port ${old ?? '-'} to ${port}`,
        undo: noUndo,
      };
    }
    case 'run-step': {
      const svc = serviceOf(ctx, action.service);
      await runFixCommand(ctx, svc, action.argv, `${action.step}: ${action.argv.join(' ')}`);
      // Later runs of the same plan (resume) run it as a build step.
      svc.build.push({
        argv: action.argv,
        cwd: svc.root,
        env: {},
        description: `${action.step} (added by a fix)`,
        optional: false,
      });
      return { affects: null, detail: `ran ${action.argv.join(' ')}`, undo: noUndo };
    }
    case 'chmod': {
      const file = resolveInside(root, action.path);
      const before = statSync(file).mode & 0o7777;
      // Execute wherever read is allowed, as `chmod +x` does under the usual umask.
      chmodSync(file, before | ((before & 0o444) >> 2));
      return {
        affects: null,
        detail: `made ${action.path} executable`,
        undo: async () => chmodSync(file, before),
      };
    }
    case 'apt-install': {
      if (!ctx.options.allowSystemPackages)
        throw new RepoRunnerError(
          'BAD_INPUT',
          `installing system packages (${action.packages.join(' ')}) is not allowed`,
          'run again with --allow-system-packages (as root), or install them yourself',
        );
      const svc = ctx.state.plan?.services[0];
      if (!svc) throw new Error('apt-install without a service');
      await runFixCommand(
        ctx,
        svc,
        ['apt-get', 'install', '-y', '--no-install-recommends', ...action.packages],
        `apt-get install ${action.packages.join(' ')}`,
      );
      return {
        affects: null,
        detail: `installed ${action.packages.join(', ')} (not rolled back)`,
        undo: noUndo,
      };
    }
    case 'switch-start-command': {
      const svc = serviceOf(ctx, action.service);
      svc.start.argv = action.argv;
      return {
        affects: 'start',
        detail: `${svc.name} now starts with ${action.argv.join(' ')}`,
        undo: noUndo,
      };
    }
    case 'switch-install-command': {
      const svc = serviceOf(ctx, action.service);
      if (!svc.install) throw new RepoRunnerError('BAD_INPUT', `${svc.name} has no install step`);
      const first = svc.install.steps[0];
      svc.install.steps = [
        {
          argv: action.argv,
          cwd: first?.cwd ?? svc.root,
          env: first?.env ?? {},
          description: 'install dependencies (changed by a fix)',
          optional: false,
        },
      ];
      return {
        affects: 'dependencies',
        detail: `${svc.name} now installs with ${action.argv.join(' ')}`,
        undo: noUndo,
      };
    }
    case 'create-from-example': {
      const target = resolveInside(root, action.path);
      const example = resolveInside(root, action.example);
      if (existsSync(target))
        throw new RepoRunnerError('BAD_INPUT', `${action.path} exists already: not overwritten`);
      copyFileSync(example, target);
      return {
        affects: path.basename(target).startsWith('.env') ? 'configure' : null,
        detail: `created ${action.path} from ${action.example}`,
        undo: async () => rmSync(target, { force: true }),
      };
    }
    case 'provision-database': {
      const plan = ctx.state.plan;
      if (!plan) throw new Error('provision-database before detect');
      if ((plan.databases ?? []).some((d) => d.kind === action.database))
        throw new RepoRunnerError(
          'BAD_INPUT',
          `the plan already has a ${action.database} database`,
        );
      const name = action.database;
      plan.databases = [
        ...(plan.databases ?? []),
        {
          name,
          kind: action.database,
          envVar: action.database === 'redis' ? 'REDIS_URL' : 'DATABASE_URL',
          evidence: ['added by a fix: the app could not connect to one'],
        },
      ];
      return {
        affects: 'plan',
        detail: `provisioned a run-scoped ${action.database} server`,
        undo: async () => {
          await stopProcessGroups(
            ctx.store,
            ctx.runId,
            (p) => p.kind === 'database' && p.service === `db:${name}`,
          );
        },
      };
    }
    case 'extend-timeout': {
      if (action.which === 'health') ctx.options.healthTimeoutMs = action.timeoutMs;
      else ctx.options.commandTimeoutMs = action.timeoutMs;
      return {
        affects: null,
        detail: `${action.which} timeout now ${action.timeoutMs} ms`,
        undo: noUndo,
      };
    }
  }
}
