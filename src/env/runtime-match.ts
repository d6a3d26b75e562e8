import semver from 'semver';
import type { Toolchain } from '../model/env-facts.js';

/**
 * A version requirement as repos write it, as a semver range: `3.11` and `3.11.4` (prefix:
 * any 3.11.x), `python-3.11.4` (runtime.txt), `>=3.10,<3.13` and `~=3.10` (PEP 440's
 * requires-python), `^18`, `18.x`, `>=18 <21`, `lts/*` (no constraint), `stable` (rust: no
 * constraint), `v20.1.0` (.nvmrc). Null when there is nothing to check.
 */
export function toRange(wanted: string): string | null {
  let w = wanted
    .trim()
    .replace(/^python-/i, '')
    .replace(/^v(?=\d)/, '');
  if (w === '' || /^(lts\/.*|node|latest|stable|\*)$/i.test(w)) return null;
  if (/^(beta|nightly)/i.test(w)) return null;
  w = w
    .replace(/~=\s*(\d+)\.(\d+)(?:\.\d+)?/g, '>=$1.$2 <$1.999')
    .replace(/==\s*([\d.]+)\.\*/g, '$1.x')
    .replace(/==\s*/g, '')
    .replace(/,/g, ' ');
  if (/^\d+(\.\d+){0,2}$/.test(w)) {
    const parts = w.split('.');
    return parts.length === 3 ? `${parts[0]}.${parts[1]}.x` : `${w}.x`;
  }
  return semver.validRange(w, { loose: true });
}

/** True when `version` (e.g. `3.11.7`, `1.22`) is in `range`. */
export function satisfies(version: string, range: string): boolean {
  const v = semver.coerce(version);
  return v !== null && semver.satisfies(v, range, { loose: true, includePrerelease: false });
}

/** The outcome of checking a service's wanted runtime against the toolchains found. */
export interface RuntimeChoice {
  tool: string;
  wanted: string;
  source: string;
  /** The toolchain to use (a matching one when any is installed), or null when none is. */
  use: Toolchain | null;
  satisfied: boolean;
  /** For the report: which version was wanted and which is used, when they differ. */
  warning: string | null;
}

/**
 * Picks the toolchain for a wanted runtime among the ones found (the default `tool` and
 * versioned siblings such as `python3.12`): the default when it matches, else the first
 * matching sibling, else (the repo wants a newer version than any here) the newest, else the
 * default, with a warning naming both versions. Some toolchains
 * accept older source (Go's `go` line and Java's release are minimums): `minimum` makes the
 * wanted version a lower bound.
 */
export function chooseRuntime(
  runtime: { tool: string; wanted: string; source: string },
  toolchains: Toolchain[],
  minimum = false,
): RuntimeChoice {
  const base = { tool: runtime.tool, wanted: runtime.wanted, source: runtime.source };
  const main = toolchains.find((t) => t.name === runtime.tool) ?? null;
  let range = toRange(runtime.wanted);
  if (range !== null && minimum) {
    const floor = semver.minVersion(range);
    if (floor) range = `>=${floor.major}.${floor.minor}`;
  }
  if (range === null) return { ...base, use: main, satisfied: true, warning: null };
  const fits = (t: Toolchain) => t.version !== null && satisfies(t.version, range);
  if (main && fits(main)) return { ...base, use: main, satisfied: true, warning: null };
  const sibling = toolchains.find(
    (t) => t.name.startsWith(runtime.tool) && t.name !== runtime.tool && fits(t),
  );
  if (sibling) {
    return {
      ...base,
      use: sibling,
      satisfied: true,
      warning: `${runtime.source} wants ${runtime.tool} ${runtime.wanted}: using ${sibling.name} ${sibling.version} instead of ${runtime.tool} ${main?.version ?? '(none)'}`,
    };
  }
  // Nothing matches and the repo wants a newer version than every one here (`.python-version`
  // saying 3.14 where 3.13 is the newest): the newest is the closest, and its dependencies
  // (which follow the repo's version) are likelier to install than on the default.
  const floor = semver.minVersion(range);
  const newest = toolchains
    .filter(
      (t) => t.name.startsWith(runtime.tool) && t.version !== null && semver.coerce(t.version),
    )
    .sort((a, b) => semver.rcompare(semver.coerce(a.version)!, semver.coerce(b.version)!))[0];
  const newestVersion = newest?.version ? semver.coerce(newest.version) : null;
  if (newest && newestVersion && floor && semver.lt(newestVersion, floor) && newest !== main) {
    return {
      ...base,
      use: newest,
      satisfied: false,
      warning: `${runtime.source} wants ${runtime.tool} ${runtime.wanted}, newer than any here: using the newest, ${newest.name} ${newest.version}`,
    };
  }
  const have = main ? `${main.version ?? 'unknown'} (${main.path})` : 'none is installed';
  return {
    ...base,
    use: main,
    satisfied: false,
    warning: `${runtime.source} wants ${runtime.tool} ${runtime.wanted}; no matching ${runtime.tool} here, using ${have}`,
  };
}
