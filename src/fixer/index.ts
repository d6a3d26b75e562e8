/**
 * Error classification for the FixerAgent: a failure (ProcessResult, log tail, health
 * detail) becomes an {@link ErrorSignature}; fixes are looked up by {@link signatureKey}.
 */
export { ERROR_CLASSES, ERROR_CLASS_INFO, ErrorClassSchema, isFixable } from './classes.js';
export type { ErrorClass, ErrorClassInfo } from './classes.js';
export { classifyFailure, MAX_SCAN_LINES } from './classify.js';
export type { FailureInput } from './classify.js';
export { RULES } from './rules/index.js';
export type { Details, Rule, RuleContext } from './rules/types.js';
export {
  ErrorSignatureSchema,
  MAX_EVIDENCE_CHARS,
  signatureKey,
  trimEvidence,
} from './signature.js';
export type { ErrorSignature } from './signature.js';
