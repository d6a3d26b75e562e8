/**
 * Variables of Repo Runner's own environment a run's processes may see: the locale and
 * terminal, and the configuration of the toolchains and package managers (where a registry
 * mirror, a CA bundle or an offline wheel folder is set). Everything else — the operator's
 * API keys, cloud credentials, `REPO_RUNNER_*` — stays out. The app's own variables (its
 * `.env`, the plan's env, PORT, DATABASE_URL) are added after this filter by the caller.
 */
const ALLOWED_NAMES = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TERM',
  'TZ',
  'CI',
  'DEBIAN_FRONTEND',
  'JAVA_HOME',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'NODE_EXTRA_CA_CERTS',
]);

/** Prefixes of toolchain configuration (pip, npm, Go, Rust, Maven, Python's own switches). */
const ALLOWED_PREFIXES = [
  'LC_',
  'PIP_',
  'PYTHON',
  'PYENV',
  'npm_config_',
  'NPM_CONFIG_',
  'GO',
  'CGO_',
  'CARGO_',
  'RUSTUP_',
  'RUSTFLAGS',
  'MAVEN_',
  'GRADLE_',
];

/** Names that carry a secret whatever their prefix (`PIP_INDEX_PASSWORD`, `npm_config__authToken`). */
const SECRET_NAME = /TOKEN|SECRET|PASSW|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|_AUTH|AUTH_/i;
/** A URL with a user and password in it (`https://user:pass@mirror/simple`). */
const SECRET_URL = /:\/\/[^/\s:@]+:[^/\s@]+@/;

/**
 * The part of `base` (Repo Runner's own environment) a run's processes inherit: the
 * allow-list above minus any variable whose name or value carries a credential.
 */
export function allowedEnv(base: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined) continue;
    if (!ALLOWED_NAMES.has(name) && !ALLOWED_PREFIXES.some((p) => name.startsWith(p))) continue;
    if (SECRET_NAME.test(name) || SECRET_URL.test(value)) continue;
    env[name] = value;
  }
  return env;
}
