import { createRequire } from 'node:module';
import path from 'node:path';
import Parser from 'web-tree-sitter';
import { GRAMMARS } from './languages.js';

/*
 * Tree-sitter grammars, each loaded once per process on first use. A module-level cache on
 * purpose: a grammar is immutable compiled WebAssembly (tens of milliseconds to over a
 * second to compile, measured in the chunker's report), the same for every run, and holds no
 * run state; parsers, which do, are made per file.
 */

let runtime: Promise<void> | null = null;
const loaded = new Map<string, Promise<Parser.Language>>();

/**
 * The path of `tree-sitter-<name>.wasm` in the installed `tree-sitter-wasms` package,
 * resolved from this module (not the working directory).
 */
export function grammarFile(name: string): string {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('tree-sitter-wasms/package.json'));
  return path.join(dir, 'out', `tree-sitter-${name}.wasm`);
}

/** True when `language` (a {@link languageOf} name) has a grammar in {@link GRAMMARS}. */
export function hasGrammar(language: string): boolean {
  return Object.hasOwn(GRAMMARS, language);
}

/**
 * The grammar of `language`, loaded on first call and then shared.
 *
 * @throws Error when the language has no grammar, or its file is missing or does not load
 *   (the failure is kept: later calls fail the same way without trying again).
 */
export function loadGrammar(language: string): Promise<Parser.Language> {
  let grammar = loaded.get(language);
  if (grammar === undefined) {
    const name = GRAMMARS[language];
    grammar =
      name === undefined
        ? Promise.reject(new Error(`no tree-sitter grammar for ${language}`))
        : (runtime ??= Parser.init()).then(() => Parser.Language.load(grammarFile(name)));
    // The failure is reported to each caller; this only keeps it from being "unhandled".
    grammar.catch(() => {});
    loaded.set(language, grammar);
  }
  return grammar;
}

/**
 * A new parser for `grammar` that gives up after `timeoutMs` of parsing (then `parse`
 * throws). The caller deletes it (`parser.delete()`): its memory lives in WebAssembly.
 */
export function newParser(grammar: Parser.Language, timeoutMs: number): Parser {
  const parser = new Parser();
  parser.setLanguage(grammar);
  parser.setTimeoutMicros(Math.round(timeoutMs * 1000));
  return parser;
}
