import type { z } from 'zod';

/** A validation problem: where in the document, and what. */
export interface SchemaIssue {
  path: (string | number)[];
  message: string;
}

/**
 * The most specific problem of a zod error. A failed union (`build: string | {...}`) says
 * only "Invalid input" at the union; the issue of the branch that got furthest into the
 * value (`depends_on.db.condition: Invalid option …`) tells the user what to fix.
 */
export function mostSpecificIssue(error: z.ZodError): SchemaIssue {
  const first = error.issues[0];
  return first ? specific(first) : { path: [], message: 'unexpected shape' };
}

function specific(issue: z.core.$ZodIssue): SchemaIssue {
  const path = issue.path.filter((p) => typeof p !== 'symbol');
  let best: SchemaIssue = { path, message: issue.message };
  if (issue.code !== 'invalid_union') return best;
  for (const branch of issue.errors.flat()) {
    const inner = specific(branch);
    if (inner.path.length > 0 && path.length + inner.path.length > best.path.length) {
      best = { path: [...path, ...inner.path], message: inner.message };
    }
  }
  return best;
}
