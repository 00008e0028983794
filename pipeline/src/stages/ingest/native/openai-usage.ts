import { expandPage, pageElements, providerModel, rawOf, secondsToMillis, type Expanded } from "./expanded.ts";

/**
 * OpenAI organisation Usage API, completions (`GET /v1/organization/usage/completions`,
 * platform.openai.com/docs/api-reference/usage/completions, as of 2025): a page
 * `{object: "page", data: [bucket], has_more, next_page}`, each bucket
 * `{start_time, end_time (epoch seconds), results: [result]}`. A line may hold a page or a
 * single bucket; each result is one row that sums `num_model_requests` calls (an aggregate:
 * see `calls`, docs/pricing.md). Group the query by `model` (results without one are rejected).
 *
 * | canonical | OpenAI usage |
 * |---|---|
 * | request_id | `openai-usage:` start_time, project_id, user_id, api_key_id, model, batch, service_tier joined by ":" (stable, so a re-read bucket is a duplicate) |
 * | timestamp | bucket start_time (epoch seconds) |
 * | model | `openai/` + model |
 * | calls | num_model_requests |
 * | input_tokens | input_tokens (cached included) |
 * | cache_read_tokens | input_cached_tokens |
 * | output_tokens | output_tokens |
 * | input_audio_tokens / output_audio_tokens | input_audio_tokens / output_audio_tokens |
 * | batch | batch |
 * | service_tier | service_tier |
 * | subject (type `user`) | user_id |
 * | pat_name | api_key_id |
 * | metadata | project_id, bucket_end_time |
 */
export function normaliseOpenaiUsage(record: Record<string, unknown>): Expanded[] {
  const page = pageElements(record);
  if (page) return expandPage(page, "data", normaliseOpenaiUsage);
  if (!Array.isArray(record.results))
    return [{ error: "not a usage bucket: no results list (start_time, end_time, results)", raw: rawOf(record) }];
  return expandPage(record.results, "results", (result) => [{ record: resultOf(record, result) }]);
}

function resultOf(bucket: Record<string, unknown>, r: Record<string, unknown>): Record<string, unknown> {
  const metadata: Record<string, unknown> = { bucket_end_time: bucket.end_time };
  if (r.project_id !== undefined && r.project_id !== null) metadata.project_id = r.project_id;
  const key = [bucket.start_time, r.project_id, r.user_id, r.api_key_id, r.model, r.batch, r.service_tier].map((v) =>
    v === undefined || v === null ? "" : String(v),
  );
  return {
    request_id: `openai-usage:${key.join(":")}`,
    timestamp: secondsToMillis(bucket.start_time),
    model: typeof r.model === "string" ? providerModel("openai", r.model) : r.model,
    calls: r.num_model_requests ?? 0,
    input_tokens: r.input_tokens,
    cache_read_tokens: r.input_cached_tokens,
    output_tokens: r.output_tokens,
    input_audio_tokens: r.input_audio_tokens,
    output_audio_tokens: r.output_audio_tokens,
    batch: r.batch ?? undefined,
    service_tier: r.service_tier,
    subject: r.user_id,
    subject_type: r.user_id === undefined || r.user_id === null ? undefined : "user",
    pat_name: r.api_key_id,
    metadata,
  };
}
