import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MAX_TAIL_LINE } from '../exec/process-result.js';

/**
 * The last `lines` non-empty lines of a file (each cut to MAX_TAIL_LINE characters), reading
 * at most the last 64 KiB. Empty when the file does not exist.
 */
export function tailFile(file: string, lines = 20): string[] {
  let fd;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return buf
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-lines)
      .map((l) => (l.length > MAX_TAIL_LINE ? `${l.slice(0, MAX_TAIL_LINE)}…` : l));
  } finally {
    closeSync(fd);
  }
}
