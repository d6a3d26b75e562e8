/**
 * Type-checked reads from the untyped tree fast-xml-parser returns (elements become objects,
 * text-only elements strings, repeated elements arrays). A value of an unexpected shape reads
 * as missing, so a hand-written or odd build file never throws here.
 */

/** The child element `name` of `node` (the first, when repeated), or undefined. */
export function child(node: unknown, name: string): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  const value = (node as Record<string, unknown>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The element at `path` below `node`, e.g. `at(pom, 'build', 'plugins')`. */
export function at(node: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((current, name) => child(current, name), node);
}

/** The text of the element at `path`, trimmed; undefined when missing, empty or not text. */
export function text(node: unknown, ...path: string[]): string | undefined {
  const value = at(node, ...path);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Every `name` child of the element at `path`: `list(pom, 'modules', 'module')`. */
export function list(node: unknown, ...path: string[]): unknown[] {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  const parent = at(node, ...parentPath);
  if (last === undefined || typeof parent !== 'object' || parent === null) return [];
  const value = (parent as Record<string, unknown>)[last];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Text children of an element as a map (for `<properties>`); non-text children are skipped. */
export function textMap(node: unknown): Record<string, string> {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string' || typeof value === 'number') out[key] = String(value).trim();
  }
  return out;
}

/** The first text value of an element named `name` anywhere below `node`, depth-first. */
export function findText(node: unknown, name: string): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findText(item, name);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === name && typeof value === 'string' && value.trim() !== '') return value.trim();
    const found = findText(value, name);
    if (found !== undefined) return found;
  }
  return undefined;
}
