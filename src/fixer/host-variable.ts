import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Source files read when looking for the host variable: 200 files, 256 KiB each at most. */
const MAX_FILES = 200;
const MAX_BYTES = 256 * 1024;
const SOURCE = /\.(?:[cm]?js|ts|py)$/;
const SKIP = new Set(['node_modules', '.venv', 'venv', '.git', 'dist', 'build', '__pycache__']);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The environment variable an app reads its bind address from, found by the address it
 * defaulted to (`process.env.BIND_ADDR || '::1'`, `os.environ.get("LISTEN_HOST", "10.0.0.5")`,
 * `os.getenv('BIND', '::1')`): the one variable whose default in the service's code is the
 * host it announced. Null when none or several match (no guessing).
 */
export function hostVariable(root: string, host: string): string | null {
  const h = escape(host);
  const patterns = [
    new RegExp(`process\\.env\\.([A-Z][A-Z0-9_]*)\\s*(?:\\|\\||\\?\\?)\\s*['"\`]${h}['"\`]`, 'g'),
    new RegExp(
      `process\\.env\\[['"]([A-Z][A-Z0-9_]*)['"]\\]\\s*(?:\\|\\||\\?\\?)\\s*['"\`]${h}['"\`]`,
      'g',
    ),
    new RegExp(
      `(?:os\\.environ\\.get|os\\.getenv)\\(\\s*['"]([A-Z][A-Z0-9_]*)['"]\\s*,\\s*['"]${h}['"]`,
      'g',
    ),
  ];
  const found = new Set<string>();
  let seen = 0;
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (seen >= MAX_FILES) return;
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name) && !entry.name.startsWith('.')) walk(p);
      } else if (entry.isFile() && SOURCE.test(entry.name) && statSync(p).size <= MAX_BYTES) {
        seen++;
        const text = readFileSync(p, 'utf8');
        for (const re of patterns) for (const m of text.matchAll(re)) found.add(m[1]!);
      }
    }
  };
  walk(root);
  return found.size === 1 ? [...found][0]! : null;
}
