/** Rates as people read them: token rates per million tokens, other units per unit. Exact decimal text. */
import { formatDecimal, normalize, parseDecimal } from "../../../pipeline/src/pricing/money.ts";

const UNITS: [RegExp, string][] = [
  [/per_image/, "image"],
  [/per_character/, "character"],
  [/per_second/, "second"],
  [/per_query/, "query"],
  [/per_page/, "page"],
  [/per_request/, "request"],
];

/** USD per million tokens from a per-token rate, exact: "0.00000125" → "1.25". */
export function perMillion(text: string): string {
  const d = parseDecimal(text);
  return formatDecimal(normalize({ coef: d.coef * 1_000_000n, scale: d.scale }));
}

/** Whether a rate field is charged per token. */
export function isTokenRate(field: string): boolean {
  return !UNITS.some(([pattern]) => pattern.test(field));
}

/** "0.00000125" for input_cost_per_token → "$1.25 / 1M tokens"; "0.04" for output_cost_per_image → "$0.04 / image". */
export function displayRate(field: string, text: string): string {
  for (const [pattern, unit] of UNITS) if (pattern.test(field)) return `$${formatDecimal(normalize(parseDecimal(text)))} / ${unit}`;
  return `$${perMillion(text)} / 1M tokens`;
}

/** A short name for a rate field: input_cost_per_token → "input", cache_read_input_token_cost → "cache read". */
export function rateName(field: string): string {
  return field
    .replace(/^cache_creation_input_token_cost$/, "cache write")
    .replace(/^cache_read_input_token_cost$/, "cache read")
    .replace(/_cost_per_token_batches$/, " (batch)")
    .replace(/_cost_per_token$/, "")
    .replace(/_cost_per_audio_token$/, " audio")
    .replace(/_cost_per_/, " per ")
    .replaceAll("_", " ");
}
