/** Characters per token assumed when estimating prompt size (a rough, model-independent rule). */
export const CHARS_PER_TOKEN = 4;

/**
 * Estimated token count of a text: `ceil(chars / 4)`.
 *
 * @example estimateTokens('x'.repeat(4000)) // 1000
 */
export function estimateTokens(text: string | number): number {
  const chars = typeof text === 'number' ? text : text.length;
  return Math.ceil(Math.max(0, chars) / CHARS_PER_TOKEN);
}

/**
 * Cost in USD of a call, from prices in USD per 1000 tokens, rounded to a millionth of a
 * dollar (so sums stay readable).
 *
 * @example costUsd({ costPer1kInput: 0.5, costPer1kOutput: 1.5 }, 1000, 200) // 0.8
 */
export function costUsd(
  prices: { costPer1kInput: number; costPer1kOutput: number },
  inputTokens: number,
  outputTokens: number,
): number {
  const usd =
    (inputTokens / 1000) * prices.costPer1kInput + (outputTokens / 1000) * prices.costPer1kOutput;
  return Math.round(usd * 1e6) / 1e6;
}
