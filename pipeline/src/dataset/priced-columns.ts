import { COMPONENTS } from "../pricing/price-call.ts";
import type { ColumnKind } from "../parquet/write-parquet.ts";

/**
 * The columns of a priced row (SPEC 6), in file order. Money columns (`*_usd`) are
 * nano-USD bigints in memory and DECIMAL(18,9) in Parquet.
 */
export const PRICED_COLUMNS = [
  ["request_id", "string"],
  ["timestamp", "timestamp"],
  ["date", "string"],
  ["model", "string"],
  ["provider_account", "string"],
  ["provider", "string"],
  ["provider_model", "string"],
  ["region", "string"],
  ["subject_type", "string"],
  ["subject", "string"],
  ["user", "string"],
  ["virtual_account", "string"],
  ["pat_name", "string"],
  ["teams", "json"],
  ["team", "string"],
  ["input_tokens", "int64"],
  ["cache_read_tokens", "int64"],
  ["cache_write_tokens", "int64"],
  // The part of cache_write_tokens written with a 1-hour TTL (0: none or not reported).
  ["cache_write_1h_tokens", "int64"],
  ["output_tokens", "int64"],
  ["reasoning_tokens", "int64"],
  ["input_audio_tokens", "int64"],
  ["output_audio_tokens", "int64"],
  ["input_images", "string"],
  ["output_images", "string"],
  ["input_characters", "string"],
  ["input_seconds", "string"],
  ["output_seconds", "string"],
  ["queries", "string"],
  ["pages", "string"],
  ["batch", "boolean"],
  ["service_tier", "string"],
  ["status_code", "int32"],
  ["virtual_model", "string"],
  ["metadata", "json"],
  ["metadata_overrides", "json"],
  ["reported_cost_usd", "money"],
  ["gateway_cache_hit", "boolean"],
  // Calls an aggregate row sums (0: unknown); null for a row that is one call.
  ["calls", "int64"],
  ["price_source", "string"],
  ["price_ref", "string"],
  ["pricing_mode", "string"],
  ["tier", "string"],
  ["unpriced_reason", "string"],
  ...COMPONENTS.map((c) => [`${c}_cost_usd`, "money"] as const),
  ["cost_usd", "money"],
  ["list_cost_usd", "money"],
  ["policy_status", "string"],
  ["policy_violations", "json"],
  ["pricing_version", "string"],
  ["source_file", "string"],
  ["source_line", "int64"],
] as const satisfies ReadonlyArray<readonly [string, ColumnKind]>;

export type PricedColumnName = (typeof PRICED_COLUMNS)[number][0];
