import type { PresetName } from "../../schemas/column-mapping.schema.ts";

/**
 * The preset for a file, from its first record (`--preset auto`, the default):
 * `truefoundry` when it has `CreatedAt` and `ModelName`; `anthropic` when it has
 * `cache_creation_input_tokens`, `cache_read_input_tokens` or a `usage` object;
 * else `canonical`.
 */
export function detectPreset(record: Record<string, unknown>): PresetName {
  if ("CreatedAt" in record && "ModelName" in record) return "truefoundry";
  if ("cache_creation_input_tokens" in record || "cache_read_input_tokens" in record) return "anthropic";
  const usage = record.usage;
  if (typeof usage === "object" && usage !== null && !Array.isArray(usage)) return "anthropic";
  return "canonical";
}
