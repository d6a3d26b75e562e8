import type { Chunk } from './types.js';

/*
 * The line side of chunking: a file as lines, windows of lines, Markdown sections, merging
 * small pieces and turning line ranges into chunks. Rows here are 0-based and inclusive;
 * chunks are 1-based.
 */

/** Sizes a chunk may have (defaults and their reasons: `DEFAULT_CHUNK_OPTIONS` in chunker.ts). */
export interface ChunkSizes {
  /** Pieces are merged while the result stays within this many characters. */
  targetChars: number;
  /** No chunk is longer (characters), except a single line longer than this. */
  maxChars: number;
  /** No chunk has more lines. */
  maxLines: number;
  /** Lines of a window, where no syntax applies. */
  windowLines: number;
  /** Lines a window shares with the one before it. */
  overlapLines: number;
}

/** A file's text as lines, with character offsets to size any range of them. */
export class Lines {
  /** The lines, without their `\n` (a `\r` before it stays). */
  readonly lines: readonly string[];
  private readonly offsets: number[];

  constructor(text: string) {
    const lines = text.split('\n');
    // "a\nb\n" is two lines, not three; "" is none.
    if (lines[lines.length - 1] === '') lines.pop();
    this.lines = lines;
    this.offsets = [0];
    for (const line of lines)
      this.offsets.push(this.offsets[this.offsets.length - 1]! + line.length + 1);
  }

  /** Number of lines. */
  get count(): number {
    return this.lines.length;
  }

  /** Characters of rows `a..b` joined with `\n` (what a chunk's `content` would hold). */
  chars(a: number, b: number): number {
    return this.offsets[b + 1]! - this.offsets[a]! - 1;
  }

  /** True when row `i` holds only whitespace. */
  isBlank(i: number): boolean {
    return this.lines[i]!.trim() === '';
  }

  /** Rows `a..b` as one string. */
  content(a: number, b: number): string {
    return this.lines.slice(a, b + 1).join('\n');
  }

  /** True when rows `a..b` fit both `maxChars` and `maxLines`. */
  fits(a: number, b: number, sizes: ChunkSizes, chars = sizes.maxChars): boolean {
    return b - a + 1 <= sizes.maxLines && this.chars(a, b) <= chars;
  }
}

/** A range of rows about to become a chunk, with what may be merged with what. */
export interface Piece {
  start: number;
  end: number;
  /** Whole pieces of the same kind merge; parts of one split piece merge with each other. */
  kind: string;
  /** Pieces cut from the same node or section share a group; -1 for a whole piece. */
  group: number;
}

/**
 * Rows `a..b` as windows of `windowLines` lines, each sharing `overlapLines` with the one
 * before, cut shorter where a window would pass `maxChars` (never below one line, so a
 * single longer line is a window alone). Every row is in at least one window.
 */
export function windows(lines: Lines, a: number, b: number, sizes: ChunkSizes): [number, number][] {
  const out: [number, number][] = [];
  const span = Math.max(1, Math.min(sizes.windowLines, sizes.maxLines));
  let start = a;
  while (start <= b) {
    let end = Math.min(b, start + span - 1);
    while (end > start && lines.chars(start, end) > sizes.maxChars) end--;
    out.push([start, end]);
    if (end === b) break;
    // Overlap only while it leaves progress: a short window (long lines) gets less.
    const overlap = Math.min(sizes.overlapLines, Math.floor((end - start) / 2));
    start = end + 1 - overlap;
  }
  return out;
}

/** Rows `a..b` as pieces: one if they fit, else windows sharing `group`. */
export function fitOrWindows(
  lines: Lines,
  a: number,
  b: number,
  kind: string,
  group: number,
  sizes: ChunkSizes,
): Piece[] {
  if (lines.fits(a, b, sizes)) return [{ start: a, end: b, kind, group: -1 }];
  return windows(lines, a, b, sizes).map(([start, end]) => ({ start, end, kind, group }));
}

/**
 * Markdown split at its ATX headings (`#` to `######`, outside fenced code blocks): each
 * section from its heading to the next, the text before the first heading a section too,
 * and a section too big cut into windows.
 */
export function markdownPieces(lines: Lines, sizes: ChunkSizes): Piece[] {
  const starts: number[] = [0];
  let fence: string | null = null;
  for (let i = 0; i < lines.count; i++) {
    const line = lines.lines[i]!;
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker !== undefined) {
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
    } else if (fence === null && i > 0 && /^\s{0,3}#{1,6}(\s|$)/.test(line)) {
      starts.push(i);
    }
  }
  return starts.flatMap((start, k) => {
    const end = (starts[k + 1] ?? lines.count) - 1;
    return fitOrWindows(lines, start, end, 'section', k, sizes);
  });
}

/**
 * Merges neighbouring pieces while the merged range stays within `targetChars` and
 * `maxLines`: whole pieces with whole pieces of the same kind, and parts of one split
 * piece with each other. Overlapping windows are never merged.
 */
export function mergePieces(lines: Lines, pieces: readonly Piece[], sizes: ChunkSizes): Piece[] {
  const out: Piece[] = [];
  for (const piece of pieces) {
    const last = out[out.length - 1];
    const compatible =
      last !== undefined &&
      piece.start > last.end &&
      (last.group === -1
        ? piece.group === -1 && piece.kind === last.kind
        : piece.group === last.group);
    if (compatible && lines.fits(last.start, piece.end, sizes, sizes.targetChars)) {
      last.end = piece.end;
    } else {
      out.push({ ...piece });
    }
  }
  return out;
}

/**
 * Chunks of `path` from row ranges: blank rows at either end are dropped, ranges left
 * with nothing are dropped, and of neighbours one of which is left inside the other
 * (overlapping windows, trimmed) only the outer is kept, as the inner would repeat its
 * text; rows become 1-based lines, `content` is exactly those lines.
 */
export function toChunks(
  path: string,
  language: string,
  lines: Lines,
  ranges: readonly { start: number; end: number }[],
): Chunk[] {
  const chunks: Chunk[] = [];
  for (const range of ranges) {
    let { start, end } = range;
    while (start <= end && lines.isBlank(start)) start++;
    while (end >= start && lines.isBlank(end)) end--;
    if (start > end) continue;
    const lineSpan = { startLine: start + 1, endLine: end + 1 };
    // Trimmed windows may nest: only the outer stays (the inner would repeat its text).
    if (within(lineSpan, chunks[chunks.length - 1])) continue;
    while (chunks.length > 0 && within(chunks[chunks.length - 1]!, lineSpan)) chunks.pop();
    chunks.push({ path, ...lineSpan, language, content: lines.content(start, end) });
  }
  return chunks;
}

/** True when the lines of `inner` all lie within `outer`. */
function within(
  inner: { startLine: number; endLine: number },
  outer: { startLine: number; endLine: number } | undefined,
): boolean {
  return (
    outer !== undefined && outer.startLine <= inner.startLine && inner.endLine <= outer.endLine
  );
}
