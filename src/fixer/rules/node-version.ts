import { around, compact, findBefore, matchTable, type Extractor } from './text.js';
import { JSON_ERROR, NODE_FILE } from './node.js';
import type { Details, Rule } from './types.js';

function engineDetails(text: string): Details | null {
  const wanted =
    /required: \{[^}]*node: '([^']+)'/.exec(text)?.[1] ??
    /Required: \{[^}]*"node":"([^"]+)"/.exec(text)?.[1] ??
    /Expected version: (.+)/.exec(text)?.[1];
  const found =
    /current: \{[^}]*node: '([^']+)'/.exec(text)?.[1] ??
    /Actual: +\{[^}]*"node":"([^"]+)"/.exec(text)?.[1] ??
    /Got: (\S+)/.exec(text)?.[1];
  const pkg = /package: '([^']+)'/.exec(text)?.[1] ?? /node\/npm: (\S+)/.exec(text)?.[1];
  return wanted ? compact({ wanted, found, package: pkg }) : null;
}

const ENGINE_MESSAGES: readonly Extractor[] = [
  // yarn 1: 'error x@1.0.0: The engine "node" is incompatible with this module. Expected version ">=20". Got "18.19.0"'
  [
    /The engine "node" is incompatible with this module\. Expected version "([^"]+)"\. Got "([^"]+)"/,
    (m) => compact({ wanted: m[1], found: m[2] }),
  ],
  // Next.js, Vite: "You are using Node.js 16.20.2. For Next.js, Node.js version >= v18.17.0 is required."
  [
    /You are using Node\.js v?([\d.]+)\.(.*)/,
    (m) => {
      const rest = m[2] ?? '';
      const wanted =
        />=\s*v?(\d[\d.]*\d)/.exec(rest)?.[1] ??
        /version ((?:\d[\d.]*\+(?: or )?)+)/.exec(rest)?.[1];
      return compact({
        found: m[1],
        wanted: wanted && (/\+/.test(wanted) ? wanted : `>=${wanted}`),
      });
    },
  ],
  // pnpm itself: "ERROR: This version of pnpm requires at least Node.js v18.12"
  [/requires at least Node\.js v?([\d.]+)/, (m) => compact({ wanted: `>=${m[1]}` })],
  // npm itself: "npm v10.2.4 is known not to run on Node.js v14.21.3."
  [/is known not to run on Node\.js v?([\d.]+)/, (m) => compact({ found: m[1] })],
];

/**
 * Engine checks: npm's EBADENGINE block ("Unsupported engine", then `required: { node: … }`
 * and `current: { node: … }`, or `Required:`/`Actual:` under engine-strict), pnpm's
 * ERR_PNPM_UNSUPPORTED_ENGINE (`Expected version:`/`Got:`), yarn's "The engine "node" is
 * incompatible", and frameworks' own "You are using Node.js X" checks.
 */
export const nodeEngineMismatch: Rule = {
  id: 'node/engine-mismatch',
  class: 'node-version-mismatch',
  stage: 'line',
  ecosystem: 'node',
  test: ({ lines, at, line }) => {
    if (/Unsupported engine|Not compatible with your version of node/.test(line))
      return engineDetails(around(lines, at, 2, 6));
    if (/ERR_PNPM_UNSUPPORTED_ENGINE|Your Node version is incompatible with/.test(line))
      return engineDetails(around(lines, at, 0, 8));
    return matchTable(line, ENGINE_MESSAGES);
  },
};

/** Operators and the Node release whose V8 parses them (node.green). */
const TOKEN_SINCE: Record<string, string> = {
  '??=': '>=15',
  '||=': '>=15',
  '&&=': '>=15',
  '?.': '>=14',
  '??': '>=14',
};
/** Globals and the Node release that added them (Node changelogs). */
const GLOBAL_SINCE: Record<string, string> = {
  fetch: '>=18',
  Blob: '>=18',
  ReadableStream: '>=18',
  structuredClone: '>=17',
  crypto: '>=19',
  File: '>=20',
};

/**
 * Code newer than the running Node: a SyntaxError on a modern operator or inside
 * node_modules, a missing newer global (`ReferenceError: fetch is not defined`), or a
 * `node:` builtin the runtime lacks.
 */
export const nodeSyntaxTooNew: Rule = {
  id: 'node/syntax-too-new',
  class: 'node-version-mismatch',
  stage: 'line',
  ecosystem: 'node',
  test: ({ lines, at, line }): Details | null => {
    const token = /SyntaxError: Unexpected token '([^']+)'/.exec(line)?.[1];
    if (token && TOKEN_SINCE[token]) return { token, wanted: TOKEN_SINCE[token] };
    const syntax = /^\s*SyntaxError: (.+)$/.exec(line);
    if (syntax && !JSON_ERROR.test(syntax[1] ?? '')) {
      const file = findBefore(lines, at, NODE_FILE, 8)?.m[1];
      if (file?.includes('node_modules')) return { file };
    }
    const global = /ReferenceError: (\w+) is not defined/.exec(line)?.[1];
    if (global && GLOBAL_SINCE[global]) return { global, wanted: GLOBAL_SINCE[global] };
    const builtin = /(?:Cannot find module|No such built-in module:?) '?node:([\w/]+)/.exec(
      line,
    )?.[1];
    if (builtin) return { module: `node:${builtin}`, wanted: builtin === 'test' ? '>=18' : '>=16' };
    return null;
  },
};
