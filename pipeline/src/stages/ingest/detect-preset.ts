import type { PresetName } from "../../schemas/column-mapping.schema.ts";

/**
 * The preset for a file, from its first record (`--preset auto`, the default). A record
 * that is a page (`{data: [...]}`) is judged by its first element. In this order:
 *
 * - `truefoundry`: `CreatedAt` and `ModelName`;
 * - `otel`: a `resourceSpans` list (OTLP JSON), or `TraceId` and `SpanAttributes` (ClickHouse `otel_traces`);
 * - `litellm`: `request_id` with `custom_llm_provider` or `spend` and `startTime`;
 * - `portkey`: `ai_org` and `ai_model`;
 * - `openai-usage`: a `results` list and `start_time`;
 * - `anthropic-usage`: a `results` list and `starting_at`;
 * - `anthropic`: `cache_creation_input_tokens`, `cache_read_input_tokens` or a `usage` object;
 * - else `canonical`.
 *
 * Each rule needs two names no other format uses together, so a canonical file is never
 * taken for a native one; `--preset NAME` forces a preset.
 */
export function detectPreset(record: Record<string, unknown>): PresetName {
  const first = Array.isArray(record.data) && isObject(record.data[0]) ? record.data[0] : undefined;
  const r = first && !("request_id" in record) ? first : record;
  if ("CreatedAt" in r && "ModelName" in r) return "truefoundry";
  if (Array.isArray(r.resourceSpans) || ("TraceId" in r && "SpanAttributes" in r)) return "otel";
  if ("request_id" in r && ("custom_llm_provider" in r || ("spend" in r && "startTime" in r))) return "litellm";
  if ("ai_org" in r && "ai_model" in r) return "portkey";
  if (Array.isArray(r.results) && "start_time" in r) return "openai-usage";
  if (Array.isArray(r.results) && "starting_at" in r) return "anthropic-usage";
  if ("cache_creation_input_tokens" in r || "cache_read_input_tokens" in r) return "anthropic";
  if (isObject(r.usage)) return "anthropic";
  return "canonical";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
