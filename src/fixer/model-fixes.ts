import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { Candidate, ProposeMore } from './candidate.js';
import type { RepoRunnerError } from '../model/errors.js';
import type { RunContext } from '../model/run-context.js';
import { callWithTools } from '../llm/client.js';
import { loadModelConfigOrWarn } from '../llm/config.js';
import { modelManager } from '../managers/model-manager.js';
import { FixActionSchema, type FixAction } from '../model/fix-action.js';
import type { ErrorSignature } from './signature.js';
import { vetModelAction } from './vet-model-action.js';
import { resolveInside } from '../repo/resolve-inside.js';
import { describeLocations, locateCause } from './locate-cause.js';

/** Lines of log tail sent to a model: 40 (the end of a traceback and what led to it). */
const LOG_LINES = 40;
/** Bytes of each file the error names sent to a model: 4 KiB, at most 3 files. */
const FILE_BYTES = 4096;
const MAX_FILES = 3;

type ToolSpecs = Record<string, { description: string; inputSchema: z.ZodType }>;

/** One tool per fix action kind (`add_package`, …), its input the action without `kind`. */
function fixTools(): ToolSpecs {
  const tools: ToolSpecs = {};
  for (const option of FixActionSchema.options as unknown as Array<
    z.ZodObject<{ kind: z.ZodLiteral<string> }>
  >) {
    const kind = option.shape.kind.value;
    tools[kind.replaceAll('-', '_')] = {
      description: option.description ?? `fix action ${kind}`,
      inputSchema: option.omit({ kind: true }),
    };
  }
  return tools;
}

/** Files inside the repository that the log lines name (`File "app.py"`, `at /repo/x.js:3`). */
function namedFiles(repo: string, lines: string[]): string[] {
  const found: string[] = [];
  for (const line of lines) {
    for (const m of line.matchAll(
      /([\w./-]+\.(?:py|js|mjs|cjs|ts|json|toml|txt|cfg|ini|yml|yaml))\b/g,
    )) {
      let real: string;
      try {
        // The file is sent to a model: never one a symlink leads to outside the repository.
        real = resolveInside(repo, m[1]!);
      } catch {
        continue;
      }
      if (!existsSync(real) || !statSync(real).isFile()) continue;
      if (
        real.includes(`${path.sep}node_modules${path.sep}`) ||
        real.includes(`${path.sep}.venv${path.sep}`)
      )
        continue;
      if (!found.includes(real)) found.push(real);
      if (found.length >= MAX_FILES) return found;
    }
  }
  return found;
}

/**
 * The compact context a model gets: plan, failing command, log tail, named files, and where
 * the run's context index locates the cause (its chunks, see {@link locateCause}).
 */
export function fixPrompt(ctx: RunContext, sig: ErrorSignature, error: RepoRunnerError): string {
  const repo = ctx.state.workspace?.repoPath ?? '';
  const services = (ctx.state.plan?.services ?? []).map((s) => ({
    name: s.name,
    provider: s.provider,
    framework: s.framework,
    root: s.root,
    install: s.install?.steps.map((x) => x.argv.join(' ')) ?? [],
    build: s.build.map((x) => x.argv.join(' ')),
    start: s.start.argv.join(' '),
  }));
  const lines = [
    ...error.message.split('\n'),
    ...(ctx.state.health?.flatMap((h) => h.logTail) ?? []),
  ].slice(-LOG_LINES);
  const files = repo ? namedFiles(repo, lines) : [];
  // RAG (issue #13): where the context index finds the cause, its chunks as context.
  const locations = locateCause(ctx.state.index?.dir, sig);
  const located = describeLocations(sig, locations);
  const chunks = [...new Map(locations.map((l) => [`${l.path}:${l.chunk.startLine}`, l])).values()];
  return [
    `Repository services: ${JSON.stringify(services)}`,
    `Failed phase: ${sig.phase}${sig.service ? ` (service ${sig.service})` : ''}`,
    `Classified as: ${sig.class} ${JSON.stringify(sig.details)}; evidence: ${sig.evidence}`,
    `Log tail:\n${lines.join('\n')}`,
    ...files.map(
      (f) => `File ${path.relative(repo, f)}:\n${readFileSync(f, 'utf8').slice(0, FILE_BYTES)}`,
    ),
    ...(located ? [`The repository's index finds: ${located}`] : []),
    ...chunks.map(
      (l) =>
        `${l.path} lines ${l.chunk.startLine}-${l.chunk.endLine}:\n${l.chunk.content.slice(0, FILE_BYTES)}`,
    ),
  ].join('\n\n');
}

const SYSTEM = [
  'You fix why a repository fails to install, build or start under Repo Runner.',
  'Propose at most two fixes, as tool calls, best first. Only use the tools given.',
  'Never propose deleting files, and never touch anything outside the repository. Services are named as in the plan.',
].join(' ');

/**
 * Model-assisted fixing (issue #5 item 5): when memory and rules have nothing, asks the
 * configured model (routed by the ModelManager as a `generation` task of the FixerAgent) for
 * tool calls drawn from the fix-action set. Every call is validated with zod and vetted
 * ({@link vetModelAction}); what fails either is returned as refused. Without a model
 * configured, or when every endpoint is down, slow or answers garbage, it proposes nothing
 * and the run goes on model-free (a warning says why). Usage (tokens, cost, latency) is
 * recorded as `info` events with `data.modelUsage`.
 */
export const proposeWithModel: ProposeMore = async (ctx, sig, error) => {
  const none = {
    candidates: [] as Candidate[],
    refused: [] as Array<{ action: unknown; reason: string }>,
  };
  const warn = (message: string) => ctx.bus.publish({ kind: 'warning', phase: 'fix', message });
  const config = loadModelConfigOrWarn(ctx.env, warn);
  if (!config) return none;
  const prompt = fixPrompt(ctx, sig, error);
  const spentUsd = ctx.modelSpentUsd ?? 0;
  const decision = modelManager.decide(config, {
    task: 'generation',
    agent: 'FixerAgent',
    prompt,
    complexity: 'medium',
    spentUsd,
  });
  const result = await callWithTools({
    config,
    decision,
    system: SYSTEM,
    prompt,
    tools: fixTools(),
    runId: ctx.runId,
    agent: 'FixerAgent',
    signal: ctx.signal,
    onUsage: (u) => {
      ctx.modelSpentUsd = (ctx.modelSpentUsd ?? 0) + u.costUsd;
      ctx.bus.publish({
        kind: 'info',
        phase: 'fix',
        message: `model ${u.provider}/${u.model}: ${u.inputTokens}+${u.outputTokens} tokens, ${u.latencyMs} ms${u.ok ? '' : ` (failed: ${u.error ?? ''})`}`,
        data: { modelUsage: u },
      });
    },
  });
  for (const w of result.warnings) warn(w);
  const refused = result.refused.map((r) => ({
    action: { kind: r.tool.replaceAll('_', '-'), ...(r.input as object) },
    reason: r.reason,
  }));
  const candidates: Candidate[] = [];
  for (const call of result.calls) {
    const action = { kind: call.tool.replaceAll('_', '-'), ...(call.input as object) } as FixAction;
    const parsed = FixActionSchema.safeParse(action);
    if (!parsed.success) {
      refused.push({
        action,
        reason: `not a valid ${action.kind} action: ${parsed.error.issues[0]?.message ?? ''}`,
      });
      continue;
    }
    const why = vetModelAction(ctx, parsed.data);
    if (why) refused.push({ action: parsed.data, reason: why });
    else candidates.push({ action: parsed.data, source: 'model' });
  }
  return { candidates, refused };
};
