import { performance } from 'node:perf_hooks';
import { generateText, stepCountIs, type ToolSet } from 'ai';
import { describeCallError } from './call-errors.js';
import type { ModelConfig } from './config.js';
import { costUsd } from './cost.js';
import { languageModelFor } from './providers.js';
import {
  checkToolCall,
  toSdkTools,
  type ProposedCall,
  type RefusedCall,
  type ToolSpecs,
} from './tool-calls.js';
import type { ModelChoice, ModelDecision, ModelUsage } from '../model/llm-types.js';

// Agents never print: the SDK's warnings go into our result instead of the console.
const sdkGlobal = globalThis as { AI_SDK_LOG_WARNINGS?: unknown };
if (sdkGlobal.AI_SDK_LOG_WARNINGS === undefined) sdkGlobal.AI_SDK_LOG_WARNINGS = false;

/** Input of {@link callWithTools}. */
export interface CallWithToolsOptions<T extends ToolSpecs> {
  /** Providers and prices (from `loadModelConfig`). */
  config: ModelConfig;
  /** From `modelManager.decide`: the chain to try in order, and the limits. */
  decision: ModelDecision;
  system: string;
  prompt: string;
  /** The tools the model may propose; every proposal is checked against its schema. */
  tools: T;
  runId: string;
  /** Defaults to `decision.agent`. */
  agent?: string;
  /** The run's signal: aborting it stops the call and makes `callWithTools` throw. */
  signal?: AbortSignal;
  /** Called after every attempt (successful or not), in order. Errors it throws are warnings. */
  onUsage?: (usage: ModelUsage) => void;
  /** `required`: the model must propose a call. Default `auto`. */
  toolChoice?: 'auto' | 'required';
}

/** What the model proposed, what was refused, and what it cost. */
export interface CallWithToolsResult<T extends ToolSpecs> {
  /** Proposed calls that passed validation, in the model's order; nothing was executed. */
  calls: Array<ProposedCall<T>>;
  /** Proposed calls that did not (unknown tool, bad JSON, invalid input), with reasons. */
  refused: RefusedCall[];
  /** One record per attempt, failed ones included. */
  usage: ModelUsage[];
  /** Failed attempts, tools left out, SDK warnings; empty when all went well. */
  warnings: string[];
  /** The model's plain text beside its calls (may be empty). */
  text: string;
  /** The chain entry that answered, or null when none did. */
  answeredBy: ModelChoice | null;
}

/**
 * Asks the models of `decision.chain`, in order, to propose tool calls, and returns the
 * proposals of the first one that answers. Tools have no `execute`: nothing is run here.
 * Each attempt waits at most `decision.limits.timeoutMs`, uses `maxTokens` and
 * `temperature` from the decision, and is not retried by the SDK (`maxRetries: 0`); an
 * endpoint that is down, too slow or answers garbage gives a warning and the next model is
 * tried. When none answers, the result has no calls.
 *
 * @throws only the caller's abort (`signal.reason`, an `AbortError` by default).
 * @example
 * const decision = modelManager.decide(config, { task: 'generation', agent: 'FixerAgent', prompt });
 * const { calls, refused } = await callWithTools({
 *   config, decision, system, prompt, runId: ctx.runId, signal: ctx.signal,
 *   tools: { set_env_var: { description: 'Set a variable in .env', inputSchema: SetEnvVar } },
 *   onUsage: (u) => ctx.bus.emit({ type: 'model-usage', ...u }),
 * });
 */
export async function callWithTools<T extends ToolSpecs>(
  options: CallWithToolsOptions<T>,
): Promise<CallWithToolsResult<T>> {
  const { config, decision, signal } = options;
  const agent = options.agent ?? decision.agent;
  const warnings: string[] = [];
  const usage: ModelUsage[] = [];
  const sdkTools = toSdkTools(options.tools, warnings);
  const result: CallWithToolsResult<T> = {
    calls: [],
    refused: [],
    usage,
    warnings,
    text: '',
    answeredBy: null,
  };
  const record = (u: ModelUsage) => {
    usage.push(u);
    try {
      options.onUsage?.(u);
    } catch (err) {
      warnings.push(`onUsage failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  if (decision.chain.length === 0) warnings.push(`no model to ask: ${decision.reason}`);
  for (const choice of decision.chain) {
    signal?.throwIfAborted();
    const label = `${choice.provider}/${choice.model}`;
    const base = { runId: options.runId, agent, provider: choice.provider, model: choice.model };
    const timeout = AbortSignal.timeout(decision.limits.timeoutMs);
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let answer: Awaited<ReturnType<typeof generateText<ToolSet>>>;
    try {
      answer = await generateText({
        model: languageModelFor(config, choice),
        system: options.system,
        prompt: options.prompt,
        tools: sdkTools,
        toolChoice: options.toolChoice ?? 'auto',
        stopWhen: stepCountIs(1),
        maxOutputTokens: decision.limits.maxTokens,
        temperature: decision.limits.temperature,
        maxRetries: 0,
        abortSignal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      const error = describeCallError(err, timeout.aborted, decision.limits.timeoutMs);
      record({
        ...base,
        ok: false,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        latencyMs: elapsed(),
        error,
      });
      const next = choice === decision.chain.at(-1) ? 'no model left' : 'trying the next model';
      warnings.push(`${label} failed: ${error}; ${next}`);
      continue;
    }
    const inputTokens = answer.usage.inputTokens ?? 0;
    const outputTokens = answer.usage.outputTokens ?? 0;
    const cost = costUsd(choice, inputTokens, outputTokens);
    record({ ...base, ok: true, inputTokens, outputTokens, costUsd: cost, latencyMs: elapsed() });
    for (const w of answer.warnings ?? []) warnings.push(`${label}: ${JSON.stringify(w)}`);
    for (const call of answer.toolCalls) {
      const checked = checkToolCall(call, options.tools);
      if (checked.ok) result.calls.push(checked.call);
      else result.refused.push(checked.refused);
    }
    if (answer.toolCalls.length === 0) warnings.push(`${label} proposed no tool call`);
    return { ...result, text: answer.text, answeredBy: choice };
  }
  return result;
}
