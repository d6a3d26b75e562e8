import { existsSync } from 'node:fs';
import path from 'node:path';
import { IndexDb } from '../index/index-db.js';
import type { ErrorSignature } from './signature.js';

/** How many places a cause is located at, at most (report and model context). */
export const MAX_LOCATIONS = 3;
/** Chunks read per query: enough to rank reading lines above mentions in docs. */
const CANDIDATE_CHUNKS = 20;

/** A place in the repository that the index ties to a failure's cause. */
export interface CauseLocation {
  /** Path inside the repository. */
  path: string;
  /** 1-based line. */
  line: number;
  /** The line's text, trimmed, at most 200 characters. */
  text: string;
  /** The chunk the line is in (start and end lines), for a model's context. */
  chunk: { startLine: number; endLine: number; content: string };
}

/** What a cause's term is looked up as, and the verb a report uses for it. */
interface CauseTerm {
  term: string;
  verb: string;
  /** Lines that use the term this way rank first (reads, imports, listens). */
  strong: RegExp;
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The term a failure's classification evidence names, by detail (src/fixer/classes.ts):
 * `variable` (read from the environment), `module` and `package` (imported), `port`
 * (listened on), `file`, `path`, `command`. Null when the signature names none.
 */
export function causeTerm(sig: Pick<ErrorSignature, 'details'>): CauseTerm | null {
  const d = sig.details;
  if (d.variable) {
    const v = esc(d.variable);
    return {
      term: d.variable,
      verb: 'is read',
      strong: new RegExp(
        `(environ|getenv|env\\.|process\\.env|ENV\\[|\\$\\{)[^\\n]*\\b${v}\\b|\\b${v}\\b\\s*[:=]`,
      ),
    };
  }
  const mod = d.module ?? d.package;
  if (mod) {
    const top = esc(mod.split(/[./]/)[0]!);
    return {
      term: mod,
      verb: 'is imported',
      strong: new RegExp(`(import|from|require\\(|use)\\s*['"(]?${top}\\b`),
    };
  }
  if (d.port) {
    return {
      term: d.port,
      verb: 'is set',
      strong: new RegExp(`(port|listen|bind|addr|PORT)[^\\n]*\\b${esc(d.port)}\\b`, 'i'),
    };
  }
  const named = d.file ?? d.path ?? d.command;
  if (named) {
    const base = path.basename(named);
    return { term: base, verb: 'is named', strong: new RegExp(esc(base)) };
  }
  return null;
}

/**
 * Finds where a failure's cause is in the repository through its context index (issue #13
 * item 6): the signature's term ({@link causeTerm}) is searched with BM25, and the lines of
 * the best chunks that hold it are ranked, lines that read, import or listen on it first
 * (`SECRET_KEY = os.environ['SECRET_KEY']` before a README's mention). Works on a partly
 * built index (each file is committed whole). Returns [] when there is no index, no term,
 * or no line holds it; never throws (the index is a help, not a dependency).
 */
export function locateCause(
  indexDir: string | null | undefined,
  sig: Pick<ErrorSignature, 'details'>,
): CauseLocation[] {
  const term = causeTerm(sig);
  const file = indexDir ? path.join(indexDir, 'index.db') : null;
  if (!term || !file || !existsSync(file)) return [];
  let db: IndexDb | null = null;
  try {
    db = IndexDb.open(file);
    const hits = db.textSearch(term.term, CANDIDATE_CHUNKS);
    const chunks = db.chunks(hits.map((h) => h.id));
    const word = new RegExp(`(^|[^\\w])${esc(term.term)}($|[^\\w])`);
    const found: (CauseLocation & { rank: number })[] = [];
    chunks.forEach((c, order) => {
      c.content.split('\n').forEach((text, i) => {
        if (!word.test(text)) return;
        const strong = term.strong.test(text) ? 0 : 1;
        const docs = /\.(md|rst|txt)$/i.test(c.path) ? 1 : 0;
        found.push({
          path: c.path,
          line: c.startLine + i,
          text: text.trim().slice(0, 200),
          chunk: { startLine: c.startLine, endLine: c.endLine, content: c.content },
          rank: strong * 1000 + docs * 500 + order,
        });
      });
    });
    found.sort((a, b) => a.rank - b.rank || a.line - b.line);
    const seen = new Set<string>();
    const out: CauseLocation[] = [];
    for (const { rank: _rank, ...loc } of found) {
      const key = `${loc.path}:${loc.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(loc);
      if (out.length >= MAX_LOCATIONS) break;
    }
    return out;
  } catch {
    return [];
  } finally {
    db?.close();
  }
}

/**
 * The report's sentence for located causes: "`SECRET_KEY` is read in config.py:4 and
 * app/settings.py:12". Null when nothing was located.
 */
export function describeLocations(
  sig: Pick<ErrorSignature, 'details'>,
  locations: readonly CauseLocation[],
): string | null {
  const term = causeTerm(sig);
  if (!term || locations.length === 0) return null;
  const places = locations.map((l) => `${l.path}:${l.line}`);
  const list =
    places.length === 1 ? places[0] : `${places.slice(0, -1).join(', ')} and ${places.at(-1)}`;
  return `\`${term.term}\` ${term.verb} in ${list}`;
}
