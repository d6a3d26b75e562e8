import { jsonSchema, tool, type JSONSchema7, type ToolSet } from 'ai';
import { z } from 'zod';
import { describeIssues } from '../model/overrides.js';

/** A tool the model may propose: what it does, and the zod schema its input must pass. */
export interface ToolSpec {
  description: string;
  /** Validates (with `safeParse`) every input the model proposes; refinements apply too. */
  inputSchema: z.ZodType;
}

/** Tools by name; names must match `^[A-Za-z0-9_-]{1,64}$` (what the model APIs accept). */
export type ToolSpecs = Record<string, ToolSpec>;

/** A proposed call that passed validation; `input` is the schema's parsed output. */
export type ProposedCall<T extends ToolSpecs = ToolSpecs> = {
  [K in keyof T & string]: { tool: K; input: z.output<T[K]['inputSchema']>; id: string };
}[keyof T & string];

/** A proposed call that was refused: an unknown tool, unparsable or invalid input. */
export interface RefusedCall {
  tool: string;
  /** What the model sent (parsed JSON, or the raw text when it was not JSON). */
  input: unknown;
  reason: string;
  id: string;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The AI SDK tool set for `generateText`: JSON schemas from the zod schemas and NO
 * `execute`, so the SDK only reports the calls the model proposes. A tool whose name is
 * not allowed or whose schema has no JSON Schema form (`z.custom`, ...) is left out with
 * a warning.
 */
export function toSdkTools(tools: ToolSpecs, warnings: string[]): ToolSet {
  const out: ToolSet = {};
  for (const [name, spec] of Object.entries(tools)) {
    if (!TOOL_NAME.test(name)) {
      warnings.push(`tool "${name}" left out: names must match ${TOOL_NAME.source}`);
      continue;
    }
    let schema: JSONSchema7;
    try {
      const json = z.toJSONSchema(spec.inputSchema, { target: 'draft-7', io: 'input' });
      delete json.$schema;
      schema = json as JSONSchema7;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      warnings.push(`tool "${name}" left out: its schema has no JSON Schema form (${why})`);
      continue;
    }
    // No `validate`: the SDK passes the parsed JSON through and checkToolCall decides.
    out[name] = tool({ description: spec.description, inputSchema: jsonSchema(schema) });
  }
  return out;
}

/** The fields of an AI SDK tool call this module reads (static, dynamic or invalid). */
export interface RawToolCall {
  toolCallId: string;
  toolName: string;
  input: unknown;
  invalid?: boolean;
}

/**
 * Validates one proposed call against the tool set: model output is untrusted, so the
 * tool must exist (own property, not inherited) and the input must pass `safeParse`.
 * Never throws.
 */
export function checkToolCall<T extends ToolSpecs>(
  call: RawToolCall,
  tools: T,
): { ok: true; call: ProposedCall<T> } | { ok: false; refused: RefusedCall } {
  const base = { tool: call.toolName, input: call.input, id: call.toolCallId };
  if (!Object.hasOwn(tools, call.toolName)) {
    const known = Object.keys(tools).join(', ');
    return { ok: false, refused: { ...base, reason: `unknown tool (known: ${known})` } };
  }
  if (call.invalid && typeof call.input === 'string' && !isJson(call.input)) {
    return { ok: false, refused: { ...base, reason: 'arguments are not valid JSON' } };
  }
  const spec = tools[call.toolName] as ToolSpec;
  let parsed: ReturnType<z.ZodType['safeParse']>;
  try {
    parsed = spec.inputSchema.safeParse(call.input);
  } catch (err) {
    // safeParse does not catch what a refinement throws
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, refused: { ...base, reason: `validation failed: ${why}` } };
  }
  if (!parsed.success) {
    return {
      ok: false,
      refused: { ...base, reason: `invalid input: ${describeIssues(parsed.error)}` },
    };
  }
  const accepted = { tool: call.toolName, input: parsed.data, id: call.toolCallId };
  return { ok: true, call: accepted as ProposedCall<T> };
}
