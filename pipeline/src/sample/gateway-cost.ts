import { formatDecimal, normalize } from "../pricing/money.ts";
import type { Rng } from "./prng.ts";
import type { Usage } from "./workloads.ts";

/**
 * The gateway's own cost figure (`reported_cost_usd`), as a gateway computes it from its
 * built-in price list: plausible, but deliberately not this project's pricing. It ignores
 * long-context tiers, priority and batch rates, prices the private fine-tune at its base
 * model's list price and knows nothing of `mystery/model-x`, so reconciliation has real
 * differences to show. Rates in USD per million tokens (or per unit).
 */
const GATEWAY_PRICES: Record<
  string,
  {
    input?: number;
    output?: number;
    cacheRead?: number;
    cacheWrite?: number;
    audioIn?: number;
    audioOut?: number;
    unit?: number;
    request?: number;
  }
> = {
  "openai-main/gpt-4o": { input: 2.5, output: 10, cacheRead: 1.25 },
  "openai-main/gpt-4o-mini": { input: 0.15, output: 0.6, cacheRead: 0.075 },
  "openai-main/gpt-4.1": { input: 2, output: 8, cacheRead: 0.5 },
  "openai-main/gpt-5-preview": { input: 1.25, output: 10, cacheRead: 0.125 },
  "openai-main/text-embedding-3-small": { input: 0.02 },
  "openai-main/gpt-4o-audio-preview": { input: 2.5, output: 10, audioIn: 40, audioOut: 80 },
  "openai-main/dall-e-3": { unit: 0.04 },
  "openai-main/whisper-1": { unit: 0.0001 },
  "openai-main/tts-1": { unit: 0.000015 },
  "anthropic-main/claude-sonnet-4-5": { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  "anthropic-main/claude-haiku-4-5": { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  "anthropic-main/claude-opus-4-1": { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  "gemini/gemini-2.5-pro": { input: 1.25, output: 10, cacheRead: 0.125 },
  "gemini/gemini-2.5-flash": { input: 0.3, output: 2.5, cacheRead: 0.03 },
  "gemini/gemini-2.0-flash": { input: 0.1, output: 0.4, cacheRead: 0.025 },
  "bedrock-prod/nova-lite": { input: 0.06, output: 0.24 },
  "bedrock-prod/nova-pro": { input: 0.8, output: 3.2 },
  "bedrock-prod/titan-embed": { input: 0.02 },
  "bedrock-prod/claude-haiku": { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
  "azure-ft/support-bot-ft": { input: 0.15, output: 0.6, cacheRead: 0.075 },
  "azure-ft/gpt-4o": { input: 2.5, output: 10, cacheRead: 1.25 },
  "cohere-main/rerank": { unit: 0.002 },
  "mistral-main/ocr": { unit: 0.001 },
  "perplexity/sonar": { input: 1, output: 1, request: 0.005 },
};

/**
 * The gateway's figure for one call as decimal text, or undefined when the gateway has no
 * price for the model. About 2% of figures are clearly off (a gateway double count, a
 * missing price reported as 0), as real exports sometimes are.
 */
export function gatewayCost(rng: Rng, usage: Usage, status: number): string | undefined {
  const price = GATEWAY_PRICES[usage.model];
  if (!price) return undefined;
  // Nano-USD per token = USD per million tokens × 1,000.
  const perToken = (rate = 0) => rate * 1000;
  const cacheRead = usage.cache_read_tokens ?? 0;
  const cacheWrite = usage.cache_write_tokens ?? 0;
  const audioIn = price.audioIn ? (usage.input_audio_tokens ?? 0) : 0;
  const audioOut = price.audioOut ? (usage.output_audio_tokens ?? 0) : 0;
  let nano =
    (usage.input_tokens - cacheRead - cacheWrite - audioIn) * perToken(price.input) +
    cacheRead * perToken(price.cacheRead ?? price.input) +
    cacheWrite * perToken(price.cacheWrite ?? price.input) +
    (usage.output_tokens - audioOut) * perToken(price.output) +
    audioIn * perToken(price.audioIn) +
    audioOut * perToken(price.audioOut);
  const units =
    (usage.output_images ?? 0) + (usage.input_seconds ?? 0) + (usage.input_characters ?? 0) + (usage.queries ?? 0) + (usage.pages ?? 0);
  nano += units * (price.unit ?? 0) * 1e9;
  if (price.request && status < 400) nano += price.request * 1e9;
  if (rng.chance(0.02)) nano *= rng.pick([0, 2, 10]);
  return formatDecimal(normalize({ coef: BigInt(Math.round(nano)), scale: 9 }));
}
