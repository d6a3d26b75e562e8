import { TIERS, tierGrants } from '../auth/tiers.js';
import type { TierName } from '../auth/types.js';

/** Search backends: plain text (SQLite FTS5), FAISS or Chroma (each with text, fused). */
export type IndexBackendName = 'text' | 'faiss' | 'chroma';

/** Every backend name, weakest first (the fallback order runs backwards through it). */
export const INDEX_BACKENDS: readonly IndexBackendName[] = ['text', 'faiss', 'chroma'];

/** A tier asked for a backend it does not grant. */
export class BackendNotAllowedError extends Error {
  constructor(
    readonly tier: TierName,
    readonly backend: IndexBackendName,
  ) {
    super(
      `the ${tier} tier does not include ${backend} search (${allowedBackends(tier).join(', ')} only); ` +
        `use the ${allowedBackends(tier).at(-1)} backend, or an account of a tier that includes it (see \`repo-runner tiers\`; the local CLI without --server is the free tier)`,
    );
    this.name = 'BackendNotAllowedError';
  }
}

/** Whether `tier` may use `backend` (ARCHITECTURE.md §3: text for all, FAISS all but free, Chroma premium/admin/developer). */
export function backendAllowed(tier: TierName, backend: IndexBackendName): boolean {
  return (
    backend === 'text' || tierGrants(tier, backend === 'faiss' ? 'search:faiss' : 'search:chroma')
  );
}

/** The backends `tier` may use, weakest first. */
export function allowedBackends(tier: TierName): IndexBackendName[] {
  return INDEX_BACKENDS.filter((b) => backendAllowed(tier, b));
}

/** What the FAISS recommendation looks at (the EnvDetectorAgent's facts, the walk). */
export interface RecommendationFacts {
  /** Total memory, bytes. */
  memoryBytes: number;
  cpus: number;
  /** Files the walk would index (null: not known yet). */
  files: number | null;
}

/** Memory below which FAISS is not recommended: the MiniLM model and its runtime take about 0.5 GiB (measured RSS), plus the run itself. */
export const FAISS_MIN_MEMORY_BYTES = 2 * 1024 ** 3;
/** Files below which text search is recommended: a person can read that many search hits; embeddings add load time for nothing. */
export const FAISS_MIN_FILES = 20;

/**
 * Whether the agents recommend FAISS for an advanced-tier run (the seeds: "FAISS when the
 * agents recommend it"): enough memory for the embedding model, two CPUs to embed beside
 * the build, and a repository big enough for vector search to help.
 * @returns null when recommended, else why not.
 */
export function faissNotRecommended(facts: RecommendationFacts): string | null {
  if (facts.memoryBytes < FAISS_MIN_MEMORY_BYTES)
    return `less than ${FAISS_MIN_MEMORY_BYTES / 1024 ** 3} GiB of memory`;
  if (facts.cpus < 2) return 'fewer than 2 CPUs';
  if (facts.files !== null && facts.files < FAISS_MIN_FILES)
    return `a small repository (${facts.files} files: text search finds everything)`;
  return null;
}

/** A backend choice and how it was reached. */
export interface BackendChoice {
  backend: IndexBackendName;
  /** Why it is this one, in a sentence (shown in the report). */
  reason: string;
}

/**
 * Chooses the backend for a run or a command: an explicit request (`--index-backend`,
 * `REPO_RUNNER_INDEX_BACKEND`) within what the tier allows; else the tier's own (ARCHITECTURE.md
 * §3: free text, advanced FAISS when recommended, tester FAISS, premium/admin/developer
 * Chroma). Availability (FAISS built, Chroma reachable) is the opener's business: it falls
 * back from this choice and reports it.
 *
 * @throws BackendNotAllowedError when the request exceeds the tier.
 */
export function chooseBackend(
  tier: TierName,
  requested: IndexBackendName | null,
  facts: RecommendationFacts,
): BackendChoice {
  if (requested) {
    if (!backendAllowed(tier, requested)) throw new BackendNotAllowedError(tier, requested);
    return { backend: requested, reason: `asked for ${requested}` };
  }
  const own = TIERS[tier].index;
  if (own === 'simple') return { backend: 'text', reason: `the ${tier} tier's search is text` };
  if (own === 'chroma') return { backend: 'chroma', reason: `the ${tier} tier's search is Chroma` };
  if (tier === 'advanced') {
    const not = faissNotRecommended(facts);
    if (not) return { backend: 'text', reason: `FAISS not recommended: ${not}` };
    return { backend: 'faiss', reason: 'FAISS recommended (memory, CPUs and repository size)' };
  }
  return { backend: 'faiss', reason: `the ${tier} tier's search is FAISS` };
}

/**
 * Parses a backend name from a flag or variable (`simple` is taken for `text`, as the tier
 * table calls it).
 * @throws Error naming the accepted values.
 */
export function parseBackendName(value: string): IndexBackendName {
  const v = value.trim().toLowerCase();
  if (v === 'simple') return 'text';
  if ((INDEX_BACKENDS as readonly string[]).includes(v)) return v as IndexBackendName;
  throw new Error(`unknown index backend "${value}": use text, faiss or chroma`);
}
