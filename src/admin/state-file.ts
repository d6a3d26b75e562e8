import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The Admin Agent's own state file in the data dir (the seeds' `admin_agent_state.json`). */
export const ADMIN_AGENT_STATE_FILE = 'admin_agent_state.json';

/**
 * Appends one line (JSON Lines, `at` first) to the Admin Agent's state file in `home`: the
 * checkpoints it takes when it creates or changes agents and orchestrators, and every
 * intervention and watchdog action.
 */
export function appendAdminState(home: string, entry: Record<string, unknown>): void {
  mkdirSync(home, { recursive: true });
  appendFileSync(
    path.join(home, ADMIN_AGENT_STATE_FILE),
    `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`,
  );
}

/**
 * The JSON objects of a JSON Lines file, oldest first: [] when it is missing; a line that
 * does not parse (the torn last line of a killed writer) is skipped.
 */
export function readJsonLines(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

/** The lines of the Admin Agent's state file in `home` (see {@link readJsonLines}). */
export const readAdminState = (home: string): Record<string, unknown>[] =>
  readJsonLines(path.join(home, ADMIN_AGENT_STATE_FILE));
