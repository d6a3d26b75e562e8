import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  chunkFile,
  chunkFileDetailed,
  DEFAULT_CHUNK_OPTIONS,
  languageOf,
  type ChunkSizes,
} from './chunker.js';
import { hasGrammar, loadGrammar } from './grammars.js';
import { GRAMMARS } from './languages.js';
import type { Chunk } from './types.js';

/** The file's lines as the chunker numbers them (a final `\n` ends the last line). */
function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Asserts what every chunking promises: `content` is exactly lines startLine..endLine
 * (1-based, inclusive), no blank line first or last, sizes kept (a single line may be
 * longer), every non-blank line in some chunk, no chunk within another.
 */
function assertWellFormed(
  chunks: Chunk[],
  text: string,
  sizes: ChunkSizes = DEFAULT_CHUNK_OPTIONS,
): void {
  const lines = linesOf(text);
  const covered = new Set<number>();
  for (const c of chunks) {
    const where = `${c.path}:${c.startLine}-${c.endLine}`;
    assert.ok(1 <= c.startLine && c.startLine <= c.endLine && c.endLine <= lines.length, where);
    assert.equal(c.content, lines.slice(c.startLine - 1, c.endLine).join('\n'), where);
    assert.notEqual(lines[c.startLine - 1]!.trim(), '', `${where} starts blank`);
    assert.notEqual(lines[c.endLine - 1]!.trim(), '', `${where} ends blank`);
    assert.ok(c.endLine - c.startLine + 1 <= sizes.maxLines, `${where} over maxLines`);
    const single = c.startLine === c.endLine;
    assert.ok(single || c.content.length <= sizes.maxChars, `${where} over maxChars`);
    for (let i = c.startLine; i <= c.endLine; i++) covered.add(i);
  }
  chunks.forEach((c, k) => {
    const inside = (d: Chunk, j: number) =>
      j !== k && d.startLine <= c.startLine && c.endLine <= d.endLine;
    assert.ok(!chunks.some(inside), `${c.startLine}-${c.endLine} repeats another chunk's lines`);
  });
  lines.forEach((line, i) => {
    if (line.trim() !== '') assert.ok(covered.has(i + 1), `line ${i + 1} in no chunk: ${line}`);
  });
}

/** Each chunk's lines as `first-last`. */
const ranges = (chunks: Chunk[]): string[] => chunks.map((c) => `${c.startLine}-${c.endLine}`);

/** The chunk holding `needle`, which must exist. */
function chunkWith(chunks: Chunk[], needle: string): Chunk {
  const found = chunks.find((c) => c.content.includes(needle));
  assert.ok(found, `no chunk holds ${needle}`);
  return found;
}

const PYTHON = `"""Module doc."""
import os
import sys


def alpha(x):
    return x + 1


@decorator
def beta(y):
    # comment
    return y * 2


class Gamma:
    """A class."""

    def method(self):
        return 1
`;

const TYPESCRIPT = `import { x } from './x.js';

/** Adds. */
export function add(a: number, b: number): number {
  return a + b;
}

export class Box<T> {
  constructor(private value: T) {}
  get(): T {
    return this.value;
  }
}

export const arrow = (n: number) => {
  return n * 2;
};

interface Shape {
  area(): number;
}
`;

const GO = `package main

import "fmt"

// Hello says hello.
func Hello(name string) string {
	return fmt.Sprintf("hi %s", name)
}

type Point struct {
	X, Y int
}

func (p Point) Sum() int {
	return p.X + p.Y
}
`;

/** Options that keep every declaration its own chunk (nothing is merged). */
const UNMERGED = { targetChars: 0 };

describe('languageOf', () => {
  it('reads the language from the name and extension', () => {
    // prettier-ignore
    const cases: Record<string, string> = {
      'src/app/main.tsx': 'tsx', 'src/a.d.ts': 'typescript', 'lib/index.mjs': 'javascript',
      'pkg/app.py': 'python', 'cmd/main.go': 'go', 'C:\\src\\Main.GO': 'go', 'src/lib.rs': 'rust',
      'include/x.h': 'c', 'docs/README.md': 'markdown', Dockerfile: 'dockerfile',
      'deploy/Dockerfile.dev': 'dockerfile', 'api.Dockerfile': 'dockerfile', Makefile: 'make',
      '.bashrc': 'bash', 'config.yml': 'yaml', '.env': 'text', LICENSE: 'text', 'a.unknown': 'text',
    };
    for (const [path, language] of Object.entries(cases)) {
      assert.equal(languageOf(path), language, path);
    }
  });

  it('loads the grammar of every language mapped to one; data formats have none', async () => {
    for (const language of Object.keys(GRAMMARS)) {
      await assert.doesNotReject(loadGrammar(language), language);
    }
    assert.equal(hasGrammar('json'), false);
    assert.equal(hasGrammar('markdown'), false);
    await assert.rejects(loadGrammar('cobol'), /no tree-sitter grammar/);
  });
});

describe('chunkFile: syntax', () => {
  it('cuts Python at its top-level declarations, decorators and comments attached', async () => {
    const outcome = await chunkFileDetailed('pkg/mod.py', PYTHON, UNMERGED);
    assert.equal(outcome.method, 'syntax');
    assert.deepEqual(ranges(outcome.chunks), ['1-1', '2-2', '3-3', '6-7', '10-13', '16-20']);
    assertWellFormed(outcome.chunks, PYTHON);
    assert.ok(outcome.chunks.every((c) => c.language === 'python' && c.path === 'pkg/mod.py'));

    const merged = await chunkFile('pkg/mod.py', PYTHON);
    assertWellFormed(merged, PYTHON);
    for (const name of ['def alpha', 'def beta', 'class Gamma', 'def method']) {
      chunkWith(merged, name);
    }
  });

  it('cuts TypeScript, TSX and JavaScript along their syntax', async () => {
    const ts = await chunkFileDetailed('src/box.ts', TYPESCRIPT, UNMERGED);
    assert.equal(ts.method, 'syntax');
    assert.deepEqual(ranges(ts.chunks), ['1-1', '3-6', '8-13', '15-17', '19-21']);
    assertWellFormed(ts.chunks, TYPESCRIPT);
    assert.ok(chunkWith(ts.chunks, 'export function add').content.startsWith('/** Adds. */'));

    const tsx = 'export function App() {\n  return <div>hi</div>;\n}\n\nexport const x = 1;\n';
    const tsxOut = await chunkFileDetailed('src/App.tsx', tsx, UNMERGED);
    assert.equal(tsxOut.method, 'syntax');
    assert.deepEqual(ranges(tsxOut.chunks), ['1-3', '5-5']);
    assert.equal(tsxOut.chunks[0]?.language, 'tsx');

    const js = 'const a = require("a");\n\nfunction run() {\n  return a();\n}\n';
    const jsOut = await chunkFileDetailed('lib/run.cjs', js, UNMERGED);
    assert.equal(jsOut.method, 'syntax');
    assert.deepEqual(ranges(jsOut.chunks), ['1-1', '3-5']);
    assert.equal(jsOut.chunks[0]?.language, 'javascript');
  });

  it('cuts Go along its syntax', async () => {
    const outcome = await chunkFileDetailed('main.go', GO, UNMERGED);
    assert.equal(outcome.method, 'syntax');
    assert.deepEqual(ranges(outcome.chunks), ['1-1', '3-3', '5-8', '10-12', '14-16']);
    assertWellFormed(outcome.chunks, GO);
    assert.ok(outcome.chunks.every((c) => c.language === 'go'));
  });

  it('splits a function too big for one chunk along its statements, within it', async () => {
    const body = Array.from({ length: 150 }, (_, i) => `    v${i} = compute(${i}, "text")`);
    const after = '\n    return v1\n\n\ndef after():\n    return 2\n';
    const text = `import os\n\n\ndef big(a):\n${body.join('\n')}${after}`;
    const chunks = await chunkFile('big.py', text);
    assertWellFormed(chunks, text);
    const inBig = chunks.filter((c) => c.startLine >= 4 && c.endLine <= 155);
    assert.ok(inBig.length >= 3, `big() in ${inBig.length} chunks`);
    assert.equal(inBig[0]?.startLine, 4);
    assert.equal(inBig.at(-1)?.endLine, 155);
    assert.deepEqual(ranges([chunkWith(chunks, 'def after')]), ['158-159']);
  });

  it('splits a class too big for one chunk between its methods', async () => {
    const method = (i: number) =>
      `    def m${i}(self, x):\n        return self.f(x * ${i}, "m${i}")\n`;
    const methods = Array.from({ length: 30 }, (_, i) => method(i));
    const text = `class Big:\n    offset = 1\n\n${methods.join('\n')}`;
    const chunks = await chunkFile('cls.py', text);
    assertWellFormed(chunks, text);
    assert.ok(chunks.length >= 2);
    const lines = linesOf(text);
    for (const c of chunks.slice(1)) {
      assert.match(lines[c.startLine - 1]!, /^ {4}def m\d+/, `chunk at ${c.startLine}`);
    }
  });
});

describe('chunkFile: line windows and Markdown', () => {
  const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n');

  it('cuts a language without a grammar into overlapping windows covering every line', async () => {
    const text = `${numbered(100)}\n`;
    const outcome = await chunkFileDetailed('notes.txt', text);
    assert.equal(outcome.method, 'windows');
    assert.equal(outcome.fallback, null);
    assert.deepEqual(ranges(outcome.chunks), ['1-40', '33-72', '65-100']);
    assertWellFormed(outcome.chunks, text);
    assert.ok(outcome.chunks.every((c) => c.language === 'text'));

    const sizes = { windowLines: 20, overlapLines: 5 };
    const yaml = await chunkFileDetailed('ci.yml', numbered(50), sizes);
    assert.deepEqual(ranges(yaml.chunks), ['1-20', '16-35', '31-50']);
    assert.equal(yaml.chunks[0]?.language, 'yaml');
  });

  it('shortens windows of long lines to maxChars, a longer single line alone', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `${i}`.padEnd(99, 'x'));
    lines[10] = 'y'.repeat(2_000);
    const text = lines.join('\n');
    const chunks = await chunkFile('data.txt', text);
    assertWellFormed(chunks, text);
    // 15 lines of 99 characters fit 1,500; the windows blocked by line 11 before it
    // (7-10 and 10-10, inside 1-10) are not repeated.
    assert.deepEqual(ranges(chunks), ['1-10', '11-11', '12-26', '20-30']);
  });

  it('drops a window that its blank lines leave inside its neighbour', async () => {
    const sizes = { windowLines: 3, overlapLines: 1 };
    // Windows 1-3 and 3-5; the second, trimmed, would be line 3 again.
    assert.deepEqual(ranges(await chunkFile('a.txt', 'a\nb\nc\n\n\n', sizes)), ['1-3']);
    // Windows 1-3 (trimmed to 3) and 3-5: the first is dropped.
    assert.deepEqual(ranges(await chunkFile('a.txt', '\n\na\nb\nc\n', sizes)), ['3-5']);
  });

  it('cuts Markdown at headings, not at # lines inside fenced code', async () => {
    const fenced = '```sh\n# not a heading\nnpm i\n```\n';
    const text = `Intro\nmore\n\n# Title\n\nBody\n\n## Install\n\n${fenced}\n### Deep\ntext\n`;
    const outcome = await chunkFileDetailed('README.md', text, UNMERGED);
    assert.equal(outcome.method, 'markdown');
    assert.deepEqual(ranges(outcome.chunks), ['1-2', '4-6', '8-13', '15-16']);
    assertWellFormed(outcome.chunks, text);
    assert.equal(outcome.chunks[0]?.language, 'markdown');
    assertWellFormed(await chunkFile('README.md', text), text);
  });
});

describe('chunkFile: awkward input', () => {
  it('gives no chunk for empty or whitespace-only text', async () => {
    assert.deepEqual(await chunkFile('a.py', ''), []);
    assert.deepEqual(await chunkFile('a.py', new Uint8Array()), []);
    assert.deepEqual(await chunkFile('a.ts', '  \n\t\n\n'), []);
    assert.deepEqual(await chunkFile('a.txt', '\n\n \n'), []);
    assert.deepEqual(await chunkFile('a.md', '\n'), []);
  });

  it('decodes invalid UTF-8 with replacement characters and still follows the syntax', async () => {
    const bytes = Buffer.concat([
      Buffer.from('def f():\n    return "caf'),
      Buffer.from([0xe9, 0xff]),
      Buffer.from('"\n\n\ndef g():\n    return 1\n'),
    ]);
    const outcome = await chunkFileDetailed('enc.py', bytes, UNMERGED);
    assert.equal(outcome.method, 'syntax');
    assert.deepEqual(ranges(outcome.chunks), ['1-2', '5-6']);
    assert.equal(outcome.chunks[0]?.content, 'def f():\n    return "caf\uFFFD\uFFFD"');
    assertWellFormed(outcome.chunks, new TextDecoder().decode(bytes));
  });

  it('covers every line of a file with syntax errors', async () => {
    const local =
      'def ok():\n    return 1\n\n\ndef broken(:\n    pass\n\n\ndef fine():\n    return 2\n';
    const py = await chunkFileDetailed('err.py', local, UNMERGED);
    assert.equal(py.method, 'syntax');
    assertWellFormed(py.chunks, local);
    chunkWith(py.chunks, 'def fine');

    const ts = 'export function ok() {\n  return 1;\n}\n\nfunction broken( {\n  const x = ;\n}\n';
    assertWellFormed((await chunkFileDetailed('err.ts', ts)).chunks, ts);

    const garbage = Array.from({ length: 20 }, () => ')))) ((( ]] } { :: ??').join('\n');
    const bad = await chunkFileDetailed('garbage.py', garbage);
    assert.equal(bad.method, 'windows');
    assert.match(bad.fallback ?? '', /syntax errors cover \d+% of the lines/);
    assertWellFormed(bad.chunks, garbage);
  });

  it('covers a file whose text is only unnamed tokens', async () => {
    // Regression: no named node at the top gave no chunk at all.
    assert.deepEqual(ranges(await chunkFile('A.java', ';\n')), ['1-1']);
    assert.deepEqual(ranges(await chunkFile('x.rb', '\n\\\n')), ['2-2']);
  });

  it('falls back to windows when the parse times out', async () => {
    // tree-sitter's own timeout is void while performance.now() < 1 s (this test may run
    // then or later); the chunker's deadline holds either way.
    const text = 'function f() {\n  return 1;\n}\n\n'.repeat(2_000);
    const outcome = await chunkFileDetailed('big.js', text, { parseTimeoutMs: 0.01 });
    assert.equal(outcome.method, 'windows');
    assert.match(outcome.fallback ?? '', /took over 0.01 ms/);
    assertWellFormed(outcome.chunks, text);
  });

  it('takes a language override and rejects sizes that make no sense', async () => {
    const chunks = await chunkFile('bin/tool', 'def main():\n    pass\n', { language: 'python' });
    assert.equal(chunks.length, 1);
    assert.equal(chunks[0]?.language, 'python');
    await assert.rejects(chunkFile('a.txt', 'x', { maxLines: 0 }), RangeError);
    await assert.rejects(chunkFile('a.txt', 'x', { overlapLines: -1 }), RangeError);
    await assert.rejects(chunkFile('a.txt', 'x', { targetChars: 1.5 }), RangeError);
  });

  it('keeps its promises for any mix of lines, sizes and languages', async () => {
    // prettier-ignore
    const rows = ['def f(x):', '    return x', 'class A:', 'function g() {', '}', '{', ')',
      '# H', '```', '// c', '/* x', '*/', '', '   ', 'x'.repeat(300), 'é'.repeat(50),
      '\u{1F600} emoji', 'a\r', '"open', 'end', 'func main() {', '@dec', '<div>', '\t\tf(b);'];
    const upTo = (min: number, max: number) => fc.integer({ min, max });
    const sizes = fc.record({
      ...{ targetChars: upTo(0, 400), maxChars: upTo(20, 600), maxLines: upTo(1, 30) },
      ...{ windowLines: upTo(1, 30), overlapLines: upTo(0, 12) },
    });
    const languages = ['python', 'typescript', 'go', 'java', 'ruby', 'markdown', 'text'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...languages),
        fc.array(fc.constantFrom(...rows), { maxLength: 60 }),
        sizes,
        async (language, lines, size) => {
          const text = lines.join('\n');
          assertWellFormed(await chunkFile('f', text, { ...size, language }), text, size);
        },
      ),
      { numRuns: 150 },
    );
  });
});
