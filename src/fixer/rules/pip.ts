import { hasNetworkFailure } from './network.js';
import { compact, findBefore } from './text.js';
import type { Rule } from './types.js';

const CANNOT_INSTALL = /Cannot install (.+?) because these package versions have conflicting/;

/**
 * Resolver failures: pip ≥ 20.3 ("ERROR: Cannot install a and b because these package
 * versions have conflicting dependencies." then "ERROR: ResolutionImpossible: …"), Poetry
 * ("… version solving failed."), uv ("No solution found when resolving dependencies").
 */
export const pipResolutionConflict: Rule = {
  id: 'python/resolution-conflict',
  class: 'pip-resolution-conflict',
  stage: 'line',
  ecosystem: 'python',
  test: ({ lines, at, line }) => {
    if (/ResolutionImpossible|conflicting dependencies/.test(line)) {
      const c = CANNOT_INSTALL.exec(line) ?? findBefore(lines, at, CANNOT_INSTALL, 40)?.m;
      return compact({ manager: 'pip', packages: c?.[1] });
    }
    if (/version solving failed/.test(line)) return { manager: 'poetry' };
    if (/No solution found when resolving dependencies/.test(line)) return { manager: 'uv' };
    return null;
  },
};

const NO_DISTRIBUTION = [
  /No matching distribution found for (\S+)/,
  /Could not find a version that satisfies the requirement (\S+)/,
];

/** PEP 503 normalized name: lower case, runs of `-_.` as one `-`. */
export function normalizePackage(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * pip's "No matching distribution found for x==1.0". It defers to the real cause when pip
 * printed one: versions skipped for the Python version (python-version-mismatch), or an
 * index it could not reach ("from versions: none" is then a network failure).
 */
export const pipNoMatchingDistribution: Rule = {
  id: 'python/no-matching-distribution',
  class: 'pip-no-matching-distribution',
  stage: 'line',
  ecosystem: 'python',
  test: ({ lines, line }) => {
    const m = NO_DISTRIBUTION.map((re) => re.exec(line)).find((x) => x);
    if (!m?.[1]) return null;
    if (lines.some((l) => /require a different python version/i.test(l))) return null;
    if (hasNetworkFailure(lines)) return null;
    const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(m[1])?.[0];
    return compact({ requirement: m[1], package: name && normalizePackage(name) });
  },
};
