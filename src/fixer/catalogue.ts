import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ServiceSpec } from '../model/plan.js';
import type { RunContext } from '../model/run-context.js';
import type { FixAction } from '../model/fix-action.js';
import {
  NODE_COMMAND_PACKAGES,
  PYTHON_COMMAND_PACKAGES,
  distributionFor,
  nodePackageOf,
} from './python-distributions.js';
import { hostVariable } from './host-variable.js';
import { relaxedRequirementsArgv } from './relax-pin.js';
import type { ErrorSignature } from './signature.js';

/** Variable names whose value may be a freshly generated random secret. */
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|SALT|(^|_)KEY$|_KEY_BASE$)/;

/** The longest timeout a fix may ask for: 1 hour in ms (matches the action schema's cap). */
const MAX_TIMEOUT_MS = 3_600_000;

/** The script names a Node project builds with, in the order tried. */
const BUILD_SCRIPTS = ['build', 'compile', 'bundle', 'dist', 'build:prod'];

function readScripts(root: string): Record<string, string> {
  const file = path.join(root, 'package.json');
  if (!existsSync(file)) return {};
  try {
    return (
      (JSON.parse(readFileSync(file, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {}
    );
  } catch {
    return {};
  }
}

const isPython = (s: ServiceSpec) => s.install?.isolation === 'venv' || s.provider === 'python';
const isNode = (s: ServiceSpec) => s.install?.isolation === 'node_modules' || s.provider === 'node';

/** The service a signature is about: the one it names, else the plan's only service. */
export function serviceFor(ctx: RunContext, sig: ErrorSignature): ServiceSpec | null {
  const services = ctx.state.plan?.services ?? [];
  return (
    services.find((s) => s.name === sig.service) ?? (services.length === 1 ? services[0]! : null)
  );
}

/**
 * The rule catalogue: the fix actions worth trying for a classified failure, best first
 * (issue #5 item 2; each class's intended fix is documented in `classes.ts`). Returns an
 * empty list when no rule applies; never runs anything.
 */
export function proposeFixes(ctx: RunContext, sig: ErrorSignature): FixAction[] {
  const svc = serviceFor(ctx, sig);
  const repo = ctx.state.workspace?.repoPath ?? '';
  const d = sig.details;
  const service = svc?.name ?? '';
  switch (sig.class) {
    case 'python-module-missing':
      return svc && d.module && isPython(svc)
        ? [{ kind: 'add-package', service, ecosystem: 'python', name: distributionFor(d.module) }]
        : [];
    case 'python-dependency-drift':
      return svc && d.bound && isPython(svc)
        ? [{ kind: 'add-package', service, ecosystem: 'python', name: d.bound }]
        : [];
    case 'node-module-missing': {
      const pkg = nodePackageOf(d.package ?? d.module ?? '');
      return svc && pkg && isNode(svc)
        ? [{ kind: 'add-package', service, ecosystem: 'node', name: pkg }]
        : [];
    }
    case 'command-not-found': {
      const cmd = path.basename(d.command ?? '');
      if (!svc) return [];
      if (isPython(svc) && PYTHON_COMMAND_PACKAGES[cmd])
        return [
          { kind: 'add-package', service, ecosystem: 'python', name: PYTHON_COMMAND_PACKAGES[cmd] },
        ];
      if (isNode(svc) && NODE_COMMAND_PACKAGES[cmd])
        return [
          { kind: 'add-package', service, ecosystem: 'node', name: NODE_COMMAND_PACKAGES[cmd] },
        ];
      return [];
    }
    case 'env-var-missing':
      if (svc && d.file) return exampleFixes(repo, svc, d.file);
      return svc && d.variable && SECRET_NAME.test(d.variable)
        ? [{ kind: 'set-env', service, name: d.variable, value: randomBytes(32).toString('hex') }]
        : [];
    case 'permission-denied': {
      if (d.path && !path.isAbsolute(d.path)) {
        // A relative path is relative to where the command ran: the service's root.
        const rel = path.join(svc?.root ?? '.', d.path);
        return rel.split(path.sep)[0] === '..' ? [] : [{ kind: 'chmod', path: rel }];
      }
      if (d.path && repo && d.path.startsWith(repo + path.sep))
        return [{ kind: 'chmod', path: path.relative(repo, d.path) }];
      return d.port && svc ? [{ kind: 'move-port', service }] : [];
    }
    case 'port-in-use':
      return svc ? [{ kind: 'move-port', service }] : [];
    case 'lockfile-out-of-sync':
      return svc && d.manager === 'npm'
        ? [
            {
              kind: 'switch-install-command',
              service,
              argv: ['npm', 'install', '--no-package-lock', '--no-audit', '--no-fund'],
            },
          ]
        : svc && d.manager === 'pnpm'
          ? [
              {
                kind: 'switch-install-command',
                service,
                argv: ['pnpm', 'install', '--no-frozen-lockfile'],
              },
            ]
          : svc && d.manager === 'yarn'
            ? [
                {
                  kind: 'switch-install-command',
                  service,
                  argv: ['yarn', 'install', '--no-immutable'],
                },
              ]
            : [];
    case 'node-dependency-conflict': {
      // --legacy-peer-deps is npm's; pnpm and yarn have their own settings (not guessed here).
      if (!svc || svc.install?.steps[0]?.argv[0] !== 'npm') return [];
      const lock = existsSync(path.join(repo, svc.root, 'package-lock.json'));
      return [
        {
          kind: 'switch-install-command',
          service,
          argv: [
            'npm',
            lock ? 'ci' : 'install',
            '--legacy-peer-deps',
            ...(lock ? [] : ['--no-package-lock']),
            '--no-audit',
            '--no-fund',
          ],
        },
      ];
    }
    case 'pip-no-matching-distribution': {
      const argv = svc && d.package ? relaxedRequirementsArgv(ctx, svc, d.package) : null;
      return argv ? [{ kind: 'switch-install-command', service, argv }] : [];
    }
    case 'build-output-missing': {
      if (!svc || !isNode(svc)) return [];
      const scripts = readScripts(path.join(repo, svc.root));
      const script = BUILD_SCRIPTS.find((s) => scripts[s]);
      return script
        ? [{ kind: 'run-step', service, step: 'build', argv: ['npm', 'run', script] }]
        : [];
    }
    case 'database-connection-refused': {
      // Only kinds the database phase can provision (not MongoDB).
      const kind = (['postgres', 'mysql', 'redis'] as const).find((k) => k === d.kind);
      const planned = (ctx.state.plan?.databases ?? []).some((db) => db.kind === kind);
      return kind && !planned ? [{ kind: 'provision-database', database: kind }] : [];
    }
    case 'wrong-host-binding': {
      // The variable whose default is the address it announced gets the run's host.
      const name = svc && d.host ? hostVariable(path.join(repo, svc.root), d.host) : null;
      const host = ctx.state.decided?.host ?? ctx.options.host;
      return svc && name && name !== 'HOST'
        ? [{ kind: 'set-env', service, name, value: host }]
        : [];
    }
    case 'migration-needed':
      return svc ? migrationFixes(ctx, svc, d.framework) : [];
    case 'out-of-memory':
      return svc ? memoryFixes(svc) : [];
    case 'watcher-limit-reached':
      return svc ? [{ kind: 'set-env', service, name: 'CHOKIDAR_USEPOLLING', value: 'true' }] : [];
    case 'command-timed-out':
    case 'never-binds': {
      const health = sig.phase === 'start' || sig.phase === 'health';
      const now = health ? ctx.options.healthTimeoutMs : ctx.options.commandTimeoutMs;
      const longer = Math.min(now * 3, MAX_TIMEOUT_MS);
      return longer > now && (sig.class === 'command-timed-out' || now < 300_000)
        ? [{ kind: 'extend-timeout', which: health ? 'health' : 'command', timeoutMs: longer }]
        : [];
    }
    case 'system-library-missing': {
      const pkg = SYSTEM_PACKAGES[d.library ?? ''];
      return pkg ? [{ kind: 'apt-install', packages: [pkg] }] : [];
    }
    default:
      return [];
  }
}

/**
 * A missing config file whose example ships beside it (`config.example.json`,
 * `config.json.example`, `.sample`, `.dist`, `example.config.json`): create it from that.
 */
function exampleFixes(repo: string, svc: ServiceSpec, file: string): FixAction[] {
  const abs = path.resolve(repo, svc.root, file);
  const rel = path.relative(repo, abs);
  if (!repo || rel.startsWith('..') || path.isAbsolute(rel) || existsSync(abs)) return [];
  const dir = path.dirname(rel);
  const base = path.basename(rel);
  const ext = path.extname(base);
  const stem = base.slice(0, base.length - ext.length);
  const names = [
    `${stem}.example${ext}`,
    `${base}.example`,
    `${stem}.sample${ext}`,
    `${base}.sample`,
    `${base}.dist`,
    `example.${base}`,
    `${stem}-example${ext}`,
  ];
  const example = names.map((n) => path.join(dir, n)).find((n) => existsSync(path.join(repo, n)));
  return example ? [{ kind: 'create-from-example', path: rel, example }] : [];
}

/** Debian's development package for a library a build needs (Debian 12 package names). */
const SYSTEM_PACKAGES: Readonly<Record<string, string>> = {
  libpq: 'libpq-dev',
  mysqlclient: 'default-libmysqlclient-dev',
  openssl: 'libssl-dev',
  libssl: 'libssl-dev',
  libffi: 'libffi-dev',
  libxml2: 'libxml2-dev',
  libxslt: 'libxslt1-dev',
  libjpeg: 'libjpeg-dev',
  zlib: 'zlib1g-dev',
  'python.h': 'python3-dev',
};

function venvBin(svc: ServiceSpec, tool: string): string {
  // Install dirs are relative to the repository root; commands run in the service root.
  const dir = svc.install?.dir ?? '.venv';
  const rel = path.relative(svc.root, dir) || dir;
  return path.join(rel, 'bin', tool);
}

function migrationFixes(
  ctx: RunContext,
  svc: ServiceSpec,
  framework: string | undefined,
): FixAction[] {
  const root = path.join(ctx.state.workspace?.repoPath ?? '', svc.root);
  const has = (f: string) => existsSync(path.join(root, f));
  const service = svc.name;
  if ((framework === 'django' || !framework) && has('manage.py'))
    return [
      {
        kind: 'run-step',
        service,
        step: 'migrate',
        argv: [venvBin(svc, 'python'), 'manage.py', 'migrate', '--noinput'],
      },
    ];
  if (has('alembic.ini') && !has('migrations/env.py'))
    return [
      {
        kind: 'run-step',
        service,
        step: 'migrate',
        argv: [venvBin(svc, 'alembic'), 'upgrade', 'head'],
      },
    ];
  if (has('migrations/env.py'))
    return [
      {
        kind: 'run-step',
        service,
        step: 'migrate',
        argv: [venvBin(svc, 'flask'), 'db', 'upgrade'],
      },
    ];
  if (framework === 'prisma' || has('prisma/schema.prisma'))
    return [
      {
        kind: 'run-step',
        service,
        step: 'migrate',
        argv: ['npx', '--no-install', 'prisma', 'migrate', 'deploy'],
      },
    ];
  return [];
}

/** A Node heap limit in the start command, raised fourfold (at least 1024 MiB). */
function memoryFixes(svc: ServiceSpec): FixAction[] {
  const argv = svc.start.argv;
  const at = argv.findIndex((a) => /^--max-old-space-size=\d+$/.test(a));
  if (at >= 0) {
    const mib = Number(argv[at]!.split('=')[1]);
    const next = [...argv];
    next[at] = `--max-old-space-size=${Math.max(mib * 4, 1024)}`;
    return [{ kind: 'switch-start-command', service: svc.name, argv: next }];
  }
  const inline = argv.findIndex((a) => /--max-old-space-size=\d+/.test(a));
  if (inline >= 0) {
    const next = argv.map((a, i) =>
      i === inline
        ? a.replace(
            /--max-old-space-size=(\d+)/,
            (_m, n: string) => `--max-old-space-size=${Math.max(Number(n) * 4, 1024)}`,
          )
        : a,
    );
    return [{ kind: 'switch-start-command', service: svc.name, argv: next }];
  }
  // Keep the service's other NODE_OPTIONS; only the heap limit changes.
  const existing = svc.start.env.NODE_OPTIONS ?? svc.env.NODE_OPTIONS ?? '';
  const value = `${existing.replace(/--max-old-space-size=\d+/, '').trim()} --max-old-space-size=4096`;
  return isNode(svc)
    ? [{ kind: 'set-env', service: svc.name, name: 'NODE_OPTIONS', value: value.trim() }]
    : [];
}
