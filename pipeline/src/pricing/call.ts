import type { Decimal } from "./money.ts";

/** The fields of one gateway call that decide its price (SPEC 3). */
export interface Call {
  /** Gateway model name `<provider-account>/<model>`. */
  model: string;
  /** Epoch milliseconds (UTC). */
  timestamp: number;
  region?: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
  /** The part of cache_write_tokens written with a 1-hour TTL (Anthropic); the rest are 5-minute writes. */
  cache_write_1h_tokens?: number;
  input_audio_tokens?: number;
  output_audio_tokens?: number;
  batch?: boolean;
  service_tier?: string | null;
  /** Calls the row sums (an aggregate of a usage API; 0: unknown); absent: one call. */
  calls?: number;
  input_images?: Decimal;
  output_images?: Decimal;
  input_characters?: Decimal;
  input_seconds?: Decimal;
  output_seconds?: Decimal;
  queries?: Decimal;
  pages?: Decimal;
}

export const TOKEN_FIELDS = [
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "cache_write_1h_tokens",
  "input_audio_tokens",
  "output_audio_tokens",
] as const;

/** Non-token units and the rate that prices each (SPEC 3). */
export const UNIT_RATES = [
  { field: "input_images", component: "input_image", rate: "input_cost_per_image" },
  { field: "output_images", component: "output_image", rate: "output_cost_per_image" },
  { field: "input_characters", component: "input_character", rate: "input_cost_per_character" },
  { field: "input_seconds", component: "input_second", rate: "input_cost_per_second" },
  { field: "output_seconds", component: "output_second", rate: "output_cost_per_second" },
  { field: "queries", component: "query", rate: "input_cost_per_query" },
  { field: "pages", component: "page", rate: "input_cost_per_page" },
] as const;

export type UnitField = (typeof UNIT_RATES)[number]["field"];

/** A call that cannot be priced because its numbers contradict each other: the row is rejected. */
export class InvalidCallError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "InvalidCallError";
  }
}

/** Checks the token arithmetic of SPEC 3 (subsets stay within their totals); throws InvalidCallError. */
export function checkCall(call: Call): void {
  for (const field of TOKEN_FIELDS) {
    const value = call[field] ?? 0;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new InvalidCallError(field, `${field} must be a whole number ≥ 0, got ${value}`);
    }
  }
  for (const { field } of UNIT_RATES) {
    const value = call[field];
    if (value && value.coef < 0n) throw new InvalidCallError(field, `${field} must be ≥ 0`);
  }
  const cached = (call.cache_read_tokens ?? 0) + (call.cache_write_tokens ?? 0);
  if (cached > call.input_tokens) {
    throw new InvalidCallError(
      "cache_read_tokens",
      `cache_read_tokens + cache_write_tokens (${cached}) exceed input_tokens (${call.input_tokens}); input_tokens must include cached tokens`,
    );
  }
  const write1h = call.cache_write_1h_tokens ?? 0;
  if (write1h > (call.cache_write_tokens ?? 0)) {
    throw new InvalidCallError(
      "cache_write_1h_tokens",
      `cache_write_1h_tokens (${write1h}) exceed cache_write_tokens (${call.cache_write_tokens ?? 0}); cache_write_tokens must include 1-hour writes`,
    );
  }
  const audioIn = call.input_audio_tokens ?? 0;
  if (audioIn > call.input_tokens - cached) {
    throw new InvalidCallError(
      "input_audio_tokens",
      `input_audio_tokens (${audioIn}) exceed the uncached input tokens (${call.input_tokens - cached})`,
    );
  }
  if ((call.output_audio_tokens ?? 0) > call.output_tokens) {
    throw new InvalidCallError(
      "output_audio_tokens",
      `output_audio_tokens (${call.output_audio_tokens}) exceed output_tokens (${call.output_tokens})`,
    );
  }
}
