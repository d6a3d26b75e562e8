import {
  Lines,
  markdownPieces,
  mergePieces,
  toChunks,
  windows,
  type ChunkSizes,
  type Piece,
} from './chunk-lines.js';
import { syntaxPieces, treeProblem } from './chunk-syntax.js';
import { hasGrammar, loadGrammar, newParser } from './grammars.js';
import { languageOf } from './languages.js';
import type { Chunk } from './types.js';

export { languageOf } from './languages.js';
export type { ChunkSizes } from './chunk-lines.js';

/** How {@link chunkFile} cuts a file. */
export interface ChunkOptions extends ChunkSizes {
  /** Parsing time after which a file is cut into windows instead (milliseconds). */
  parseTimeoutMs: number;
  /** The file's language, when not the one {@link languageOf} gives its path. */
  language?: string;
}

/**
 * Defaults of {@link ChunkOptions}. The embedder (all-MiniLM-L6-v2) reads 256 word pieces of
 * a chunk and drops the rest; this project's TypeScript measured 2.9 characters per word
 * piece (median of 30-line windows with that model's tokenizer; 2.5 at the 10th
 * percentile). So pieces are merged up to `targetChars` 700 (about 240 word pieces), and a
 * declaration stays whole up to `maxChars` 1,500 (the embedder sees its first half, text
 * search all of it) before it is cut along its syntax. `maxLines` 80 keeps chunks of short
 * lines (braces, data) readable. Windows of 40 lines sharing 8 are the usual fixed-size
 * fallback (a window of average 30-character lines is about 1,200 characters). Parsing
 * takes well under 100 ms for a 1 MiB source file here; 2 s only stops pathological input.
 */
export const DEFAULT_CHUNK_OPTIONS: Readonly<ChunkOptions> = Object.freeze({
  targetChars: 700,
  maxChars: 1_500,
  maxLines: 80,
  windowLines: 40,
  overlapLines: 8,
  parseTimeoutMs: 2_000,
});

/** How a file was cut: along its syntax, at Markdown headings, or into line windows. */
export type ChunkMethod = 'syntax' | 'markdown' | 'windows';

/** Chunks of a file and how they were cut. */
export interface ChunkOutcome {
  chunks: Chunk[];
  method: ChunkMethod;
  /** Why a language with a grammar was cut into windows (load or parse failure), else null. */
  fallback: string | null;
}

/**
 * Cuts a file into chunks for the index. A language with a tree-sitter grammar is cut
 * along its syntax: top-level declarations (with the comments and decorators directly
 * above them) and the text between them (imports, module code) are pieces; a piece too big
 * is cut along its children (a class into methods), and small neighbours are merged up to
 * `targetChars`. Markdown is cut at headings; everything else, and a file whose grammar
 * fails to load or whose parse fails or times out, into overlapping line windows.
 *
 * Every non-blank line is in a chunk; chunks hold whole lines (1-based, inclusive, no blank
 * line first or last, none within another) and never exceed `maxChars` or `maxLines`, except
 * that a single line longer than `maxChars` is a chunk of its own. Never throws for any
 * text: bytes are decoded as UTF-8 with U+FFFD for invalid sequences.
 *
 * @param path the file's path in the repository (`/`-separated): copied into each chunk
 *   and, unless `options.language` is given, what the language is read from.
 * @param text the file's text, or its bytes.
 * @example
 * const chunks = await chunkFile('src/app.py', source);
 */
export async function chunkFile(
  path: string,
  text: string | Uint8Array,
  options: Partial<ChunkOptions> = {},
): Promise<Chunk[]> {
  return (await chunkFileDetailed(path, text, options)).chunks;
}

/** {@link chunkFile}, also saying how the file was cut and why a grammar was not used. */
export async function chunkFileDetailed(
  path: string,
  text: string | Uint8Array,
  options: Partial<ChunkOptions> = {},
): Promise<ChunkOutcome> {
  const settings = { ...DEFAULT_CHUNK_OPTIONS, ...options };
  const sizes = checkedSizes(settings);
  const source = typeof text === 'string' ? text : new TextDecoder('utf-8').decode(text);
  const language = options.language ?? languageOf(path);
  const lines = new Lines(source);
  const done = (pieces: Piece[], method: ChunkMethod, fallback: string | null) => ({
    chunks: toChunks(path, language, lines, mergePieces(lines, pieces, sizes)),
    method,
    fallback,
  });

  if (language === 'markdown') return done(markdownPieces(lines, sizes), 'markdown', null);
  const inWindows = (): Piece[] =>
    lines.count === 0
      ? []
      : windows(lines, 0, lines.count - 1, sizes).map(([start, end]) => ({
          start,
          end,
          kind: 'window',
          group: 0,
        }));
  if (!hasGrammar(language)) return done(inWindows(), 'windows', null);

  let pieces: Piece[] | string;
  try {
    pieces = await parsePieces(language, source, lines, sizes, settings.parseTimeoutMs);
  } catch (error) {
    pieces = `the ${language} grammar failed to load: ${(error as Error).message}`;
  }
  return typeof pieces === 'string'
    ? done(inWindows(), 'windows', pieces)
    : done(pieces, 'syntax', null);
}

/** Pieces along the syntax of `source`, or why its parse is not usable. */
async function parsePieces(
  language: string,
  source: string,
  lines: Lines,
  sizes: ChunkSizes,
  timeoutMs: number,
): Promise<Piece[] | string> {
  const parser = newParser(await loadGrammar(language), timeoutMs);
  // tree-sitter's own timeout does nothing in a process's first second under WebAssembly:
  // its deadline, on a monotonic clock that starts at 0 there, reads as 0 s, which it takes
  // for "no deadline". The indexer runs in a fresh process, so the deadline is also checked
  // here, each time the parser reads text (every 5,120 characters at most).
  const deadline = performance.now() + timeoutMs;
  let late = false;
  const input = (index: number): string | null => {
    if (performance.now() <= deadline) return source.slice(index);
    late = true;
    return null; // the end of the input: the parse stops, its tree is thrown away
  };
  try {
    let tree;
    try {
      tree = parser.parse(input);
    } catch {
      return `the parse failed or took over ${timeoutMs} ms`;
    }
    try {
      if (late) return `the parse took over ${timeoutMs} ms`;
      const problem = treeProblem(tree.rootNode, lines.count);
      return problem ?? syntaxPieces(tree.rootNode, lines, sizes);
    } finally {
      tree.delete();
    }
  } finally {
    parser.delete();
  }
}

/** The sizes of `options`, checked to make sense together. */
function checkedSizes(options: ChunkOptions): ChunkSizes {
  const { targetChars, maxChars, maxLines, windowLines, overlapLines } = options;
  const whole = [targetChars, maxChars, maxLines, windowLines, overlapLines];
  if (!whole.every((n) => Number.isSafeInteger(n) && n >= 0) || maxLines < 1 || windowLines < 1) {
    throw new RangeError(
      `chunk sizes must be whole numbers, lines at least 1: ${whole.join(', ')}`,
    );
  }
  return {
    targetChars: Math.min(targetChars, maxChars),
    maxChars,
    maxLines,
    windowLines,
    overlapLines,
  };
}
