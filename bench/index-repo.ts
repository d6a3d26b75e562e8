/**
 * A generated repository for `npm run bench:index`: Python, TypeScript, Go and Markdown
 * files of varied sizes (a few lines to a few thousand), in package folders of about 20
 * files, with content the walk must leave out beside them: `node_modules/` in the web
 * packages, `build/` and `__pycache__/` output, and `.gitignore`d folders and logs.
 * Deterministic for a seed, so two runs index the same text.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Chunk } from '../src/index/types.js';

/** mulberry32: a small seeded generator, enough for test data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
/** Log-normal, so most files are small and a few are large, as in real repositories. */
const logNormal = (r: Rand, mu: number, sigma: number): number =>
  Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));

// prettier-ignore
const NOUNS = [
  'user', 'order', 'invoice', 'payment', 'session', 'token', 'config', 'cache', 'queue',
  'worker', 'report', 'metric', 'event', 'schema', 'record', 'account', 'profile', 'message',
  'channel', 'job', 'task', 'upload', 'search', 'index', 'chunk', 'router', 'handler', 'client',
  'server', 'request', 'response', 'retry', 'timeout', 'limit', 'batch', 'stream', 'buffer',
  'parser', 'graph', 'plan', 'build', 'deploy', 'service', 'health', 'probe', 'secret', 'policy',
  'role', 'permission', 'tenant', 'project', 'commit', 'branch', 'ledger', 'shipment', 'coupon',
] as const;
// prettier-ignore
const VERBS = [
  'get', 'set', 'load', 'save', 'parse', 'render', 'build', 'create', 'update', 'delete',
  'fetch', 'send', 'handle', 'validate', 'compute', 'merge', 'split', 'resolve', 'open', 'close',
  'start', 'stop', 'flush', 'emit', 'apply', 'check', 'find', 'list', 'sync', 'encode', 'decode',
  'normalize', 'schedule', 'cancel', 'collect', 'format', 'filter', 'reduce',
] as const;
// prettier-ignore
const WORDS = [
  'the', 'a', 'when', 'is', 'not', 'returns', 'and', 'or', 'each', 'every', 'first', 'last',
  'empty', 'missing', 'invalid', 'expired', 'pending', 'retried', 'stored', 'sent', 'read',
  'written', 'until', 'after', 'before', 'once', 'again', 'value', 'error', 'list', 'map', 'set',
] as const;

/**
 * Names follow Zipf's law, as identifiers in real code do: the {@link NOUNS} above are the
 * most frequent, then 4,000 made-up words (`kalomi`, `dorvex`…), the n-th drawn with weight
 * 1/n. A small flat vocabulary would put every word in most chunks and make text search
 * look slower than it is on real code.
 */
const LEXICON: readonly string[] = (() => {
  const r = rng(7);
  // prettier-ignore
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'zen', 'dor', 'pel', 'qua', 'tri', 'xan', 'bel', 'cor', 'fin', 'gal', 'hup', 'jor', 'vex', 'wun', 'yor', 'bri'];
  const words = new Set<string>(NOUNS);
  while (words.size < NOUNS.length + 4000) {
    words.add(Array.from({ length: int(r, 2, 3) }, () => pick(r, syllables)).join(''));
  }
  return [...words];
})();
const ZIPF_CDF: Float64Array = (() => {
  const cdf = new Float64Array(LEXICON.length);
  let sum = 0;
  for (let i = 0; i < cdf.length; i++) cdf[i] = sum += 1 / (i + 1);
  return cdf.map((x) => x / sum);
})();
/** A word of {@link LEXICON}, Zipf-distributed. */
function noun(r: Rand): string {
  const x = r();
  let lo = 0;
  let hi = ZIPF_CDF.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ZIPF_CDF[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return LEXICON[lo]!;
}

const cap = (w: string): string => w[0]!.toUpperCase() + w.slice(1);
const camel = (r: Rand): string => `${pick(r, VERBS)}${cap(noun(r))}${cap(noun(r))}`;
const snake = (r: Rand): string => `${pick(r, VERBS)}_${noun(r)}_${noun(r)}`;
const type = (r: Rand): string => `${cap(noun(r))}${cap(noun(r))}`;
const sentence = (r: Rand, n = int(r, 6, 16)): string =>
  Array.from({ length: n }, () => (r() < 0.35 ? noun(r) : pick(r, WORDS))).join(' ');

function body(r: Rand, indent: string, lang: 'py' | 'ts' | 'go'): string[] {
  const lines: string[] = [];
  for (let i = int(r, 2, 22); i > 0; i--) {
    const v = lang === 'py' ? snake(r) : camel(r);
    const call = lang === 'py' ? `${snake(r)}(${noun(r)})` : `${camel(r)}(${noun(r)})`;
    const roll = r();
    if (roll < 0.15) lines.push(`${indent}${lang === 'py' ? '#' : '//'} ${sentence(r)}`);
    else if (roll < 0.3)
      lines.push(
        lang === 'py'
          ? `${indent}if ${v} is None:\n${indent}    raise ValueError("${sentence(r, 5)}")`
          : lang === 'ts'
            ? `${indent}if (!${v}) throw new Error('${sentence(r, 5)}');`
            : `${indent}if err != nil {\n${indent}\treturn fmt.Errorf("${sentence(r, 4)}: %w", err)\n${indent}}`,
      );
    else if (lang === 'py') lines.push(`${indent}${v} = ${call}`);
    else if (lang === 'ts') lines.push(`${indent}const ${v}${i} = await ${call};`);
    else lines.push(`${indent}${v}${i}, err := ${call}`);
  }
  return lines;
}

function python(r: Rand, defs: number): string {
  const out = [`"""${cap(sentence(r))}."""`, 'from __future__ import annotations', ''];
  for (let i = int(r, 1, 5); i > 0; i--) out.push(`from .${noun(r)} import ${type(r)}`);
  for (let d = 0; d < defs; d++) {
    out.push('', '');
    if (r() < 0.3) {
      out.push(`class ${type(r)}${d}:`, `    """${cap(sentence(r))}."""`, '');
      for (let m = int(r, 1, 4); m > 0; m--)
        out.push(`    def ${snake(r)}(self, ${noun(r)}):`, ...body(r, '        ', 'py'), '');
    } else {
      out.push(`def ${snake(r)}_${d}(${noun(r)}, ${noun(r)}=None):`);
      out.push(
        `    """${cap(sentence(r))}."""`,
        ...body(r, '    ', 'py'),
        `    return ${snake(r)}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

function typescript(r: Rand, defs: number): string {
  const out: string[] = [];
  for (let i = int(r, 1, 5); i > 0; i--)
    out.push(`import { ${camel(r)} } from '../${noun(r)}/${noun(r)}.js';`);
  for (let d = 0; d < defs; d++) {
    out.push('', `/** ${cap(sentence(r))}. */`);
    const roll = r();
    if (roll < 0.2) {
      out.push(`export interface ${type(r)}${d} {`);
      for (let f = int(r, 2, 8); f > 0; f--) out.push(`  ${noun(r)}${f}: string;`);
      out.push('}');
    } else if (roll < 0.4) {
      out.push(`export class ${type(r)}${d} {`);
      for (let m = int(r, 1, 4); m > 0; m--)
        out.push(`  async ${camel(r)}(${noun(r)}: string) {`, ...body(r, '    ', 'ts'), '  }');
      out.push('}');
    } else {
      out.push(`export async function ${camel(r)}${d}(${noun(r)}: string) {`);
      out.push(...body(r, '  ', 'ts'), `  return ${camel(r)};`, '}');
    }
  }
  return `${out.join('\n')}\n`;
}

function go(r: Rand, defs: number, pkg: string): string {
  const out = [`// Package ${pkg} ${sentence(r)}.`, `package ${pkg}`, '', 'import (\n\t"fmt"\n)'];
  for (let d = 0; d < defs; d++) {
    out.push('', `// ${sentence(r)}.`);
    if (r() < 0.25) {
      out.push(`type ${type(r)}${d} struct {`);
      for (let f = int(r, 2, 8); f > 0; f--) out.push(`\t${cap(noun(r))}${f} string`);
      out.push('}');
    } else {
      const name = `${cap(camel(r))}${d}`;
      out.push(`func ${name}(${noun(r)} string) error {`, ...body(r, '\t', 'go'));
      out.push('\treturn nil', '}');
    }
  }
  return `${out.join('\n')}\n`;
}

function markdown(r: Rand, sections: number): string {
  const out = [`# ${cap(noun(r))} ${noun(r)} guide`, '', `${cap(sentence(r, 20))}.`];
  for (let s = 0; s < sections; s++) {
    out.push('', `## ${cap(pick(r, VERBS))} the ${noun(r)}`, '');
    for (let p = int(r, 1, 4); p > 0; p--) out.push(`${cap(sentence(r, int(r, 15, 60)))}.`, '');
    if (r() < 0.3) out.push('```sh', `repo-runner ${pick(r, VERBS)} --${noun(r)}`, '```');
    if (r() < 0.3) for (let i = int(r, 2, 5); i > 0; i--) out.push(`- ${sentence(r, 6)}`);
  }
  return `${out.join('\n')}\n`;
}

/** Languages of the generated source and their share of it. */
const MIX = [
  { ext: 'py', share: 0.3 },
  { ext: 'ts', share: 0.35 },
  { ext: 'go', share: 0.2 },
  { ext: 'md', share: 0.15 },
] as const;
type Ext = (typeof MIX)[number]['ext'];

/** One generated source file's text; `defs` top-level definitions (sections for Markdown). */
export function sourceText(r: Rand, ext: Ext, defs: number, pkg = 'core'): string {
  if (ext === 'py') return python(r, defs);
  if (ext === 'ts') return typescript(r, defs);
  if (ext === 'go') return go(r, defs, pkg);
  return markdown(r, Math.max(1, Math.round(defs / 2)));
}

function extOf(r: Rand): Ext {
  let x = r();
  for (const m of MIX) if ((x -= m.share) < 0) return m.ext;
  return 'md';
}

/** What {@link generateRepository} wrote. */
export interface GeneratedRepo {
  /** Source files the walk should index. */
  sources: string[];
  /** Files written that the walk must leave out (node_modules, build output, ignored). */
  leftOut: number;
  /** Bytes of the source files. */
  sourceBytes: number;
}

/**
 * Writes `files` source files under `root` (plus about 15 % more that the walk must leave
 * out). Definitions per file are log-normal (median 6, 1 to 150), so files run from a few
 * hundred bytes to about 100 KB.
 */
export function generateRepository(root: string, files: number, seed = 13): GeneratedRepo {
  const r = rng(seed);
  const write = (rel: string, text: string): void => {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  };
  write('.gitignore', '*.log\n/tmp-data/\ngenerated/\n.env\n');
  write('README.md', markdown(r, 6));
  const sources: string[] = [];
  let sourceBytes = 0;
  let leftOut = 0;
  for (let pkgNo = 0; sources.length < files; pkgNo++) {
    const area = pick(r, ['services', 'libs', 'apps', 'tools'] as const);
    const pkg = `${noun(r)}${pkgNo}`;
    const dir = `${area}/${pkg}`;
    for (let i = int(r, 8, 32); i > 0 && sources.length < files; i--) {
      const ext = extOf(r);
      const sub = ext === 'md' ? 'docs' : pick(r, ['src', 'src/internal', 'lib', 'tests']);
      const rel = `${dir}/${sub}/${pick(r, VERBS)}_${noun(r)}_${sources.length}.${ext}`;
      const defs = Math.min(150, Math.max(1, Math.round(logNormal(r, 1.8, 0.9))));
      const text = sourceText(r, ext, defs, pkg);
      write(rel, text);
      sources.push(rel);
      sourceBytes += Buffer.byteLength(text);
    }
    // What the walk must not index, about 15 % of the files written.
    const roll = r();
    if (roll < 0.12) {
      for (let dep = int(r, 3, 8); dep > 0; dep--, leftOut += 3) {
        const mod = `${dir}/node_modules/${noun(r)}-${pick(r, VERBS)}${dep}`;
        write(`${mod}/package.json`, `{"name":"${noun(r)}","main":"index.js"}\n`);
        write(`${mod}/index.js`, typescript(r, int(r, 5, 40)));
        write(`${mod}/lib/util.js`, typescript(r, int(r, 5, 40)));
      }
    } else if (roll < 0.2) {
      write(`${dir}/.gitignore`, 'coverage-data/\n*.tmp\n');
      for (let n = int(r, 2, 6); n > 0; n--, leftOut += 2) {
        write(`${dir}/coverage-data/${noun(r)}${n}.py`, python(r, int(r, 2, 10)));
        write(`${dir}/src/${noun(r)}${n}.tmp`, sentence(r, 40));
      }
    } else if (roll < 0.3) {
      for (let n = int(r, 2, 6); n > 0; n--, leftOut += 2) {
        write(`${dir}/build/${noun(r)}${n}.js`, typescript(r, int(r, 5, 30)));
        write(`${dir}/src/__pycache__/${noun(r)}${n}.pyc`, sentence(r, 30));
      }
    } else if (roll < 0.35) {
      write(`${dir}/generated/${noun(r)}.go`, go(r, int(r, 10, 40), pkg));
      write(`${dir}/run-${pkgNo}.log`, sentence(r, 200));
      leftOut += 2;
    }
  }
  return { sources, leftOut, sourceBytes };
}

/**
 * `count` chunks for the search index, without a repository: generated source files cut
 * at the first blank line after 450 characters (pieces average about the chunker's 700
 * character target), handed to `add` one file at a time.
 */
export function generateChunks(
  count: number,
  add: (file: string, chunks: Chunk[]) => void,
  seed = 29,
): void {
  const r = rng(seed);
  let made = 0;
  for (let n = 0; made < count; n++) {
    const ext = extOf(r);
    const file = `gen/${noun(r)}${n % 97}/${pick(r, VERBS)}_${noun(r)}_${n}.${ext}`;
    const lines = sourceText(r, ext, int(r, 4, 16), 'gen').split('\n');
    const chunks: Chunk[] = [];
    let start = 0;
    for (let i = 0; i <= lines.length && made + chunks.length < count; i++) {
      const size = lines.slice(start, i).join('\n').length;
      if (i < lines.length && (lines[i] !== '' || size < 450)) continue;
      const content = lines.slice(start, i).join('\n').trim();
      if (content) {
        const language = { py: 'python', ts: 'typescript', go: 'go', md: 'markdown' }[ext];
        chunks.push({ path: file, startLine: start + 1, endLine: i, language, content });
      }
      start = i + 1;
    }
    made += chunks.length;
    add(file, chunks);
  }
}

/** Kinds of text query the bench asks, a quarter each. */
export const QUERY_KINDS = ['verb noun', 'camelCase', 'snake_case', 'phrase'] as const;

/** `count` text queries: word pairs, camelCase and snake_case identifiers, short phrases. */
export function textQueries(
  count: number,
  seed = 31,
): { kind: (typeof QUERY_KINDS)[number]; query: string }[] {
  const r = rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const kind = QUERY_KINDS[i % QUERY_KINDS.length]!;
    const query =
      kind === 'verb noun'
        ? `${pick(r, VERBS)} ${noun(r)}`
        : kind === 'camelCase'
          ? camel(r)
          : kind === 'snake_case'
            ? snake(r)
            : `${noun(r)} ${pick(r, WORDS)} ${noun(r)} ${pick(r, VERBS)}`;
    return { kind, query };
  });
}
