import { z } from 'zod';
import { PHASES } from '../model/phases.js';
import { ERROR_CLASS_INFO, ErrorClassSchema } from './classes.js';

/** Longest evidence kept in a signature: 300 characters (one log line, enough to recognise it). */
export const MAX_EVIDENCE_CHARS = 300;

/**
 * A classified failure as plain data: what went wrong (`class`), where (`phase`, `service`),
 * the facts a fix needs (`details`, e.g. `{ module: 'flask_cors' }`, `{ port: '5000' }`,
 * `{ wanted: '3.12', found: '3.11' }`) and the log line that proved it (`evidence`).
 */
export const ErrorSignatureSchema = z.object({
  class: ErrorClassSchema,
  phase: z.enum(PHASES),
  service: z.string().nullable(),
  /** `python`, `node`, … from the caller, else from the rule that matched; null when neither knows. */
  ecosystem: z.string().nullable(),
  details: z.record(z.string(), z.string()),
  /** True when a rule-based fix can exist (see `isFixable`). */
  fixable: z.boolean(),
  /** The matching log line (or process facts), trimmed to {@link MAX_EVIDENCE_CHARS}. */
  evidence: z.string().max(MAX_EVIDENCE_CHARS),
});

/** See {@link ErrorSignatureSchema}. */
export type ErrorSignature = z.infer<typeof ErrorSignatureSchema>;

/**
 * A stable key for fix memory: the class, then the values of the class's identifying
 * details in a fixed order (absent ones skipped), joined by `:`. Other details, the phase,
 * the service and the evidence do not change it.
 *
 * @example
 * signatureKey({ class: 'python-module-missing', details: { module: 'flask_cors' } });
 * // 'python-module-missing:flask_cors'
 */
export function signatureKey(sig: Pick<ErrorSignature, 'class' | 'details'>): string {
  const values = ERROR_CLASS_INFO[sig.class].key
    .map((k) => sig.details[k]?.trim().replace(/\s+/g, ' '))
    .filter((v): v is string => v !== undefined && v !== '');
  return [sig.class, ...values].join(':');
}

/** Trims `text` and cuts it to {@link MAX_EVIDENCE_CHARS}, marking a cut with `…`. */
export function trimEvidence(text: string): string {
  const t = text.trim();
  return t.length > MAX_EVIDENCE_CHARS ? `${t.slice(0, MAX_EVIDENCE_CHARS - 1)}…` : t;
}
