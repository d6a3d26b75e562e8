import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { InstallSpec } from '../model/plan.js';
import { writeJsonAtomic } from '../store/state-files.js';

/** Name of the marker file left inside an isolated install dir after a successful install. */
export const MARKER_NAME = '.repo-runner-install.json';

/**
 * Hash (sha256, hex) of what decides an install: each manifest's path and bytes (a missing
 * one counts as missing), the install steps, and the toolchain that ran them. Equal hash
 * means the last successful install still holds.
 */
export function installHash(repoPath: string, install: InstallSpec, toolchain: string): string {
  const h = createHash('sha256');
  h.update(
    JSON.stringify({ steps: install.steps.map((s) => s.argv), dir: install.dir, toolchain }),
  );
  for (const rel of [...install.manifests].sort()) {
    h.update(`\0${rel}\0`);
    try {
      h.update(readFileSync(path.resolve(repoPath, rel)));
    } catch {
      h.update('<missing>');
    }
  }
  return h.digest('hex');
}

/** The hash recorded by the last successful install in `dir`, or null. */
export function readMarker(dir: string): string | null {
  try {
    const data = JSON.parse(readFileSync(path.join(dir, MARKER_NAME), 'utf8')) as {
      hash?: unknown;
    };
    return typeof data.hash === 'string' ? data.hash : null;
  } catch {
    return null;
  }
}

/** Records a successful install (atomically, so a crash never leaves a marker for half an install). */
export function writeMarker(dir: string, hash: string): void {
  writeJsonAtomic(path.join(dir, MARKER_NAME), {
    hash,
    installedAt: new Date().toISOString(),
    by: 'repo-runner',
  });
}
