import { around, compact, findBefore, isPathSpecifier } from './text.js';
import type { Rule } from './types.js';

/**
 * Unresolved imports: Node ESM (`Cannot find package 'x' imported from …`), Node CJS and
 * tsc TS2307 (`Cannot find module 'x'`), webpack 5 (`Module not found: Error: Can't resolve
 * 'x'`), Vite (`Failed to resolve import "x"`, `Rollup failed to resolve import "x"`) and
 * esbuild (`Could not resolve "x"`).
 */
const UNRESOLVED = [
  /Cannot find package '([^']+)' imported from/,
  /Cannot find module '([^']+)'/,
  /Module not found: Error: Can't resolve '([^']+)'/,
  /(?:Rollup failed|Failed) to resolve import "([^"]+)"/,
  /Could not resolve "([^"]+)"/,
];

/** The package of a bare specifier: `@scope/name` or `name` (subpaths dropped). */
export function packageOf(spec: string): string {
  const parts = spec.split('/');
  return (spec.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** A package that is not installed; files (`./dist/x.js`) and aliases (`@/x`, `~/x`) are not packages. */
export const nodeModuleMissing: Rule = {
  id: 'node/module-missing',
  class: 'node-module-missing',
  stage: 'line',
  ecosystem: 'node',
  test: ({ line }) => {
    const spec = UNRESOLVED.map((re) => re.exec(line)?.[1]).find((s) => s);
    if (!spec || isPathSpecifier(spec) || /^(?:node:|@\/|~\/|#)/.test(spec)) return null;
    return { module: spec, package: packageOf(spec) };
  },
};

/** The `file:line` header Node prints above a syntax error. */
export const NODE_FILE = /^(?:file:\/\/)?((?:[A-Za-z]:)?[^\s:()]+\.(?:[cm]?[jt]sx?|json)):(\d+)$/;
/** SyntaxErrors that are bad data (JSON.parse), not bad code. */
export const JSON_ERROR = /JSON/;

/** tsc's syntax errors (TS1xxx), plain and `--pretty` formats. */
const TSC_SYNTAX = /^(\S+\.tsx?)(?:\((\d+),\d+\):|:(\d+):\d+ -) error (TS1\d{3}: .+)$/;

/**
 * A SyntaxError in the app's own code (after {@link nodeSyntaxTooNew}): Node's report
 * (`/app/x.js:12` … `SyntaxError: …`) or a tsc TS1xxx error. Not fixable by rules.
 */
export const nodeSyntaxError: Rule = {
  id: 'node/syntax-error',
  class: 'syntax-error-in-app',
  stage: 'line',
  test: ({ lines, at, line }) => {
    const tsc = TSC_SYNTAX.exec(line);
    if (tsc) return compact({ file: tsc[1], line: tsc[2] ?? tsc[3], message: tsc[4] });
    const m = /^\s*SyntaxError: (.+)$/.exec(line);
    if (!m?.[1] || JSON_ERROR.test(m[1])) return null;
    const file = findBefore(lines, at, NODE_FILE, 8)?.m;
    return compact({ file: file?.[1], line: file?.[2], message: m[1] });
  },
};

/**
 * npm's ERESOLVE ("ERESOLVE unable to resolve dependency tree", "While resolving: x",
 * `peer react@"^17" from y`, "retry this command with --force or --legacy-peer-deps") and
 * pnpm's ERR_PNPM_PEER_DEP_ISSUES.
 */
export const nodeDependencyConflict: Rule = {
  id: 'node/dependency-conflict',
  class: 'node-dependency-conflict',
  stage: 'line',
  ecosystem: 'node',
  test: ({ lines, at, line }) => {
    if (/ERR_PNPM_PEER_DEP_ISSUES/.test(line)) return { manager: 'pnpm' };
    // Only ERESOLVE and its advice line: `npm ci`'s usage text also mentions the flag.
    if (!/ERESOLVE|retry this command with .*--legacy-peer-deps/.test(line)) return null;
    const text = around(lines, at, 40, 20);
    const peer = /peer (\S+?)@"([^"]+)" from (\S+)/.exec(text);
    return compact({
      manager: 'npm',
      root: /While resolving: (\S+)/.exec(text)?.[1],
      peer: peer?.[1],
      wanted: peer?.[2],
      requiredBy: peer?.[3],
    });
  },
};
