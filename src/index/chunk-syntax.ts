import type Parser from 'web-tree-sitter';
import { fitOrWindows, type ChunkSizes, type Lines, type Piece } from './chunk-lines.js';

/*
 * Chunking by syntax: a file's top-level nodes become pieces; a node too big for a chunk is
 * cut along its own children (a class into its members, a function body into statement
 * runs), recursively, and a node with nothing left to cut along into line windows.
 */

type Node = Parser.SyntaxNode;

/** Node types that attach to the node below them when no blank line separates them. */
const ATTACHES_DOWN = /comment|decorator|attribute_item|^annotation$|^attribute$/;

/** Node types that are declarations (functions, classes, types, impl blocks, modules…). */
const DECLARATION =
  /function|method|class|interface|struct|enum|trait|impl_item|module|namespace|type_alias|type_declaration|type_definition|type_item|record|object_declaration|protocol|extension|macro_definition|decorated_definition|template_declaration|union|^method$|^class$|^singleton/;

/** Variable declarations that are declarations when they span lines (`const f = () => {…}`). */
const VARIABLE =
  /lexical_declaration|variable_declaration|const_declaration|var_declaration|const_item|static_item/;

/**
 * Nesting levels followed when cutting a big node; below this (pathological nesting, e.g.
 * thousands of brackets) the rest is cut into windows. Real code nests far less than 64
 * levels of named nodes between a declaration and a piece that fits.
 */
const MAX_NESTING = 64;

/** A run of rows and the sibling nodes on them. */
interface Item {
  start: number;
  end: number;
  nodes: Node[];
}

/**
 * Fraction of a file's rows that top-level ERROR nodes may cover before its parse is taken
 * as failed (the grammar did not understand the file; windows serve it better).
 */
export const MAX_ERROR_SHARE = 0.5;

/** Why the tree of a file is not worth chunking by, or null when it is. */
export function treeProblem(root: Node, rows: number): string | null {
  if (root.type === 'ERROR') return 'the parse failed (the root is an error)';
  if (!root.hasError || rows === 0) return null;
  let errorRows = 0;
  for (const child of root.namedChildren) {
    if (child.type === 'ERROR') errorRows += rowsOf(child)[1] - rowsOf(child)[0] + 1;
  }
  return errorRows / rows > MAX_ERROR_SHARE
    ? `syntax errors cover ${Math.round((errorRows / rows) * 100)}% of the lines`
    : null;
}

/**
 * The pieces of a parsed file, covering every row: top-level declarations and the text
 * between them (`decl` and `other` kinds), comments and decorators directly above a node
 * with it, big nodes cut along their children (sharing a group per top-level node).
 */
export function syntaxPieces(root: Node, lines: Lines, sizes: ChunkSizes): Piece[] {
  if (lines.count === 0) return [];
  const items = itemsOf(root.namedChildren, 0, lines.count - 1);
  // Text made of anonymous tokens only (a Java file of `;`, Ruby's `\`) has no item.
  if (items.length === 0) return fitOrWindows(lines, 0, lines.count - 1, 'other', 0, sizes);
  let groups = 0;
  const out: Piece[] = [];
  for (const item of items) {
    const kind = kindOf(item);
    if (lines.fits(item.start, item.end, sizes)) {
      out.push({ start: item.start, end: item.end, kind, group: -1 });
    } else {
      out.push(...cut(item, kind, groups++, 1, lines, sizes));
    }
  }
  return out;
}

/** Cuts a too-big item along the children of its largest node (or into windows). */
function cut(
  item: Item,
  kind: string,
  group: number,
  depth: number,
  lines: Lines,
  sizes: ChunkSizes,
): Piece[] {
  const main = item.nodes.reduce((a, b) => (span(b) > span(a) ? b : a));
  const items = depth > MAX_NESTING ? [] : itemsOf(main.namedChildren, item.start, item.end);
  if (items.length === 0) return fitOrWindows(lines, item.start, item.end, kind, group, sizes);
  return items.flatMap((part) =>
    lines.fits(part.start, part.end, sizes)
      ? [{ start: part.start, end: part.end, kind, group }]
      : cut(part, kind, group, depth + 1, lines, sizes),
  );
}

/**
 * `nodes` (siblings) as items partitioning rows `lo..hi`: nodes sharing a row are one
 * item; comments and decorators directly above an item (no blank row between) join it;
 * rows between items (blank rows, braces, a header) go to the item below, rows after the
 * last to the last. Empty when no node has rows in `lo..hi`.
 */
function itemsOf(nodes: readonly Node[], lo: number, hi: number): Item[] {
  const items: Item[] = [];
  for (const node of nodes) {
    if (node.startIndex === node.endIndex) continue; // MISSING nodes take no text
    const [first, last] = rowsOf(node);
    const start = Math.max(first, lo);
    const end = Math.min(last, hi);
    if (end < start) continue;
    const previous = items[items.length - 1];
    if (previous !== undefined && start <= previous.end) {
      previous.end = Math.max(previous.end, end);
      previous.nodes.push(node);
    } else {
      items.push({ start, end, nodes: [node] });
    }
  }
  for (let i = items.length - 2; i >= 0; i--) {
    const item = items[i]!;
    const next = items[i + 1]!;
    if (attachesDown(item) && !attachesDown(next) && next.start <= item.end + 1) {
      next.start = item.start;
      next.nodes.unshift(...item.nodes);
      items.splice(i, 1);
    }
  }
  for (let i = 0; i < items.length; i++) items[i]!.start = i === 0 ? lo : items[i - 1]!.end + 1;
  if (items.length > 0) items[items.length - 1]!.end = hi;
  return items;
}

/** True when every node of the item is a comment or decorator. */
function attachesDown(item: Item): boolean {
  return item.nodes.every((node) => ATTACHES_DOWN.test(node.type));
}

/** `decl` for a declaration (or an export of one), `other` for imports and module code. */
function kindOf(item: Item): string {
  const node = [...item.nodes].reverse().find((n) => !ATTACHES_DOWN.test(n.type));
  if (node === undefined) return 'other';
  const inner = node.type === 'export_statement' ? node.childForFieldName('declaration') : node;
  if (inner === null) return 'other';
  if (DECLARATION.test(inner.type)) return 'decl';
  return VARIABLE.test(inner.type) && span(inner) >= 3 ? 'decl' : 'other';
}

/** First and last row of a node; a node ending at column 0 ends on the row before. */
function rowsOf(node: Node): [number, number] {
  const first = node.startPosition.row;
  const { row, column } = node.endPosition;
  return [first, column === 0 && row > first ? row - 1 : row];
}

/** Rows a node spans. */
function span(node: Node): number {
  const [first, last] = rowsOf(node);
  return last - first + 1;
}
