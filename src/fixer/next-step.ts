import type { ErrorClass } from './classes.js';

/**
 * What a person should do when no fix worked, per class, with the signature's details
 * filled in (`{module}`, `{variable}` …). Written for someone who has not read the log yet.
 */
const NEXT_STEPS: Record<ErrorClass, string> = {
  'python-module-missing':
    'add the package that provides `{module}` to requirements.txt (or pyproject.toml) and run again',
  'node-module-missing': 'add `{package}` to package.json (`npm install {package}`) and run again',
  'port-in-use': 'free port {port} (`ss -ltnp` shows who holds it) or set another with --port',
  'database-connection-refused':
    'start the {kind} database the app expects, or give its URL in the environment (e.g. DATABASE_URL), and run again',
  'env-var-missing':
    "set {variable} in the repository's .env (or with --env {variable}=…) and run again",
  'python-version-mismatch':
    'install a Python that fits {wanted} (e.g. with uv or pyenv) so it is on PATH, and run again',
  'node-version-mismatch':
    'install a Node.js that fits {wanted} (e.g. with nvm or fnm) so it is on PATH, and run again',
  'permission-denied': 'make {path} executable (`chmod +x {path}`), or use a port above 1024',
  'command-not-found':
    "install `{command}` (or add the package that provides it to the project's dependencies) and run again",
  'lockfile-out-of-sync': 'update the lockfile (`{manager} install`) and commit it, then run again',
  'python-dependency-drift':
    "pin {bound} in the service's requirements (an installed package still imports {name} from {module}) and run again",
  'pip-resolution-conflict':
    'loosen the conflicting pins in requirements ({packages}) so one set of versions fits, then run again',
  'pip-no-matching-distribution':
    'pin a version of {package} that exists for this Python, then run again',
  'node-dependency-conflict':
    'align the peer dependency versions in package.json, or install with --legacy-peer-deps yourself',
  'system-library-missing':
    'install the system package for {library} (e.g. `apt-get install` its -dev package), or run again with --allow-system-packages',
  'build-output-missing':
    "run the project's build (it should create {path}) or tell Repo Runner with --build, then run again",
  'wrong-host-binding':
    'make the app listen on the host it is given in HOST (or 0.0.0.0) instead of {host}',
  'never-binds':
    'make the app listen on the port in PORT, or tell Repo Runner its command with --start, and run again',
  'out-of-memory':
    'give the process more memory (a larger heap limit or fewer workers) and run again',
  'disk-full':
    'free disk space (`df -h` shows where) and run again with `repo-runner resume <run-id>`',
  'watcher-limit-reached':
    'raise fs.inotify.max_user_watches (sysctl) or set CHOKIDAR_USEPOLLING=true',
  'migration-needed':
    "run the {framework} migrations against the run's database, then resume the run",
  'network-unreachable':
    'check the network or proxy settings for {host}, then `repo-runner resume <run-id>`',
  'command-timed-out':
    'run again with a longer timeout (--health-timeout) or find why the command hangs in its log',
  'syntax-error-in-app': "fix the syntax error in {file}; it is in the repository's own code",
  'oom-killed':
    'the run was killed at its memory limit: use a tier with more memory, or make the app use less (fewer workers, a smaller heap), then run again',
  'pids-limit':
    'the run reached its limit of processes and threads: use a larger tier, or find what forks in a loop (worker counts, a crash-looping child)',
  'disk-quota':
    "the run's directory grew past its disk quota: use a larger tier, or keep build output, caches and downloads out of the repository",
  unknown:
    'read the log (`repo-runner logs <run-id> <service>`); the failure is not one Repo Runner recognises',
};

/** The next step for a class, with `{detail}` placeholders filled (unknown ones left generic). */
export function nextStepFor(cls: ErrorClass, details: Record<string, string>): string {
  return NEXT_STEPS[cls].replace(/\{(\w+)\}/g, (_m, k: string) => details[k] ?? 'it');
}
