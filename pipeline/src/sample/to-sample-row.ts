import type { Metadata } from "./draw-metadata.ts";
import type { Usage } from "./workloads.ts";

export interface CallParts {
  request_id: string;
  /** Epoch milliseconds, UTC. */
  at: number;
  usage: Usage;
  subject_type: "user" | "virtualaccount";
  subject: string;
  pat_name?: string;
  teams: readonly string[];
  status_code: number;
  virtual_model?: string;
  metadata: Metadata;
  reported_cost_usd?: string;
}

/**
 * One exported log row in SPEC 3 field names and a fixed field order. Like a real export,
 * it leaves out what is unset or zero (no `cache_read_tokens: 0`, no `batch: false`), but
 * always has the fields every row carries.
 */
export function toSampleRow(call: CallParts): Record<string, unknown> {
  const u = call.usage;
  const row: Record<string, unknown> = {
    request_id: call.request_id,
    timestamp: new Date(call.at).toISOString(),
    model: u.model,
  };
  if (u.region !== undefined) row.region = u.region;
  row.subject_type = call.subject_type;
  row.subject = call.subject;
  if (call.pat_name !== undefined) row.pat_name = call.pat_name;
  row.teams = [...call.teams];
  row.input_tokens = u.input_tokens;
  if (u.cache_read_tokens) row.cache_read_tokens = u.cache_read_tokens;
  if (u.cache_write_tokens) row.cache_write_tokens = u.cache_write_tokens;
  row.output_tokens = u.output_tokens;
  if (u.reasoning_tokens) row.reasoning_tokens = u.reasoning_tokens;
  if (u.input_audio_tokens) row.input_audio_tokens = u.input_audio_tokens;
  if (u.output_audio_tokens) row.output_audio_tokens = u.output_audio_tokens;
  if (u.output_images) row.output_images = u.output_images;
  if (u.input_characters) row.input_characters = u.input_characters;
  if (u.input_seconds) row.input_seconds = u.input_seconds;
  if (u.queries) row.queries = u.queries;
  if (u.pages) row.pages = u.pages;
  if (u.batch) row.batch = true;
  if (u.service_tier !== undefined) row.service_tier = u.service_tier;
  row.status_code = call.status_code;
  if (call.virtual_model !== undefined) row.virtual_model = call.virtual_model;
  row.metadata = { ...call.metadata };
  if (call.reported_cost_usd !== undefined) row.reported_cost_usd = call.reported_cost_usd;
  return row;
}

/** The call as a failed one: nothing generated; a 429 never reached the model, a 500 read the prompt. */
export function failedUsage(usage: Usage, status: number): Usage {
  const kept: Usage = { model: usage.model, input_tokens: 0, output_tokens: 0 };
  if (usage.region !== undefined) kept.region = usage.region;
  if (usage.batch) kept.batch = true;
  if (usage.service_tier !== undefined) kept.service_tier = usage.service_tier;
  if (status === 429) return kept;
  kept.input_tokens = usage.input_tokens;
  if (usage.cache_read_tokens) kept.cache_read_tokens = usage.cache_read_tokens;
  if (usage.cache_write_tokens) kept.cache_write_tokens = usage.cache_write_tokens;
  if (usage.input_audio_tokens) kept.input_audio_tokens = usage.input_audio_tokens;
  return kept;
}
