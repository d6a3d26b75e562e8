import { z } from 'zod';

/**
 * The context index of a run (the `index` phase, ContextIndexer): where it is, which backend
 * serves it and why, what fell back, and how far the build is. The build runs beside the
 * later phases (it adds no time to time-to-healthy), so a run's report may show it
 * `building`; `GET /api/v1/runs/:id/index` and `repo-runner search` read its current state.
 */
export const IndexOutcomeSchema = z.object({
  /** The index folder (`index.db`, the vector store's files). */
  dir: z.string(),
  /** The backend searches use: `text` (SQLite FTS5), `faiss` or `chroma` (each fused with text). */
  backend: z.enum(['text', 'faiss', 'chroma']),
  /** Why this backend (the tier's, asked for, recommended or not). */
  reason: z.string(),
  /** Each fallback taken, e.g. `chroma → faiss: the Chroma server did not start (…)`. */
  fallbacks: z.array(z.string()),
  /** The embedder of the vectors (`local:all-MiniLM-L6-v2`…), null for text only. */
  embedder: z.string().nullable(),
  /** True when the embedder is the hashing fallback: vector search then only matches words. */
  lexical: z.boolean(),
  status: z.enum(['building', 'ready', 'failed']),
  files: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  /** A walk limit that was hit (files left out), or null. */
  truncated: z.string().nullable(),
  /** Build wall time, ms (null while building). */
  durationMs: z.number().nullable(),
  /** Why the build failed, when it did. */
  error: z.string().nullable(),
});
export type IndexOutcome = z.infer<typeof IndexOutcomeSchema>;
