import { expandPage, firstPresent, objectOf, objectOrJson, pageElements, providerModel, type Expanded } from "./expanded.ts";

/**
 * LiteLLM proxy spend logs: rows of the `LiteLLM_SpendLogs` table (model `LiteLLM_SpendLogs`
 * in BerriAI/litellm `schema.prisma`, as of LiteLLM v1.7x) exported as JSON Lines, CSV or
 * Parquet, and the elements of the proxy's `GET /spend/logs` JSON array (the same rows);
 * a `{data: [...]}` page (`/spend/logs/v2`) expands to its rows.
 *
 * | canonical | LiteLLM |
 * |---|---|
 * | request_id | request_id |
 * | timestamp | startTime |
 * | model | `custom_llm_provider` + "/" + `model_group` (else `model`) |
 * | input_tokens | metadata.usage_object.prompt_tokens, else prompt_tokens (the OpenAI-style total, cache included) |
 * | cache_read_tokens | usage_object.cache_read_input_tokens, else usage_object.prompt_tokens_details.cached_tokens |
 * | cache_write_tokens | usage_object.cache_creation_input_tokens |
 * | cache_write_1h_tokens | usage_object.prompt_tokens_details.cache_creation_token_details.ephemeral_1h_input_tokens (Anthropic models) |
 * | output_tokens | usage_object.completion_tokens, else completion_tokens |
 * | reasoning_tokens | usage_object.completion_tokens_details.reasoning_tokens |
 * | input_audio_tokens / output_audio_tokens | usage_object.prompt_tokens_details.audio_tokens / completion_tokens_details.audio_tokens |
 * | subject (type `user`) | user, else end_user |
 * | teams | team_id |
 * | pat_name | metadata.user_api_key_alias |
 * | metadata | metadata.requester_metadata (what the client sent), plus request_tags as `tags` |
 * | reported_cost_usd | spend (USD) |
 */
export function normaliseLitellm(record: Record<string, unknown>): Expanded[] {
  const page = pageElements(record);
  if (page && !("request_id" in record)) return expandPage(page, "data", normaliseLitellm);
  const meta = objectOrJson(record.metadata) ?? {};
  const usage = objectOrJson(meta.usage_object) ?? {};
  const promptDetails = objectOf(usage.prompt_tokens_details) ?? {};
  const completionDetails = objectOf(usage.completion_tokens_details) ?? {};
  const user = firstPresent(record.user, record.end_user);
  const metadata: Record<string, unknown> = { ...(objectOf(meta.requester_metadata) ?? {}) };
  const tags = record.request_tags;
  if (Array.isArray(tags) ? tags.length > 0 : typeof tags === "string" && tags !== "" && tags !== "[]") metadata.tags = tags;
  return [
    {
      record: {
        request_id: record.request_id,
        timestamp: record.startTime,
        model: providerModel(record.custom_llm_provider, firstPresent(record.model_group, record.model)),
        input_tokens: firstPresent(usage.prompt_tokens, record.prompt_tokens),
        cache_read_tokens: firstPresent(usage.cache_read_input_tokens, promptDetails.cached_tokens),
        cache_write_tokens: usage.cache_creation_input_tokens,
        cache_write_1h_tokens: objectOf(promptDetails.cache_creation_token_details)?.ephemeral_1h_input_tokens,
        output_tokens: firstPresent(usage.completion_tokens, record.completion_tokens),
        reasoning_tokens: completionDetails.reasoning_tokens,
        input_audio_tokens: promptDetails.audio_tokens,
        output_audio_tokens: completionDetails.audio_tokens,
        subject: user,
        subject_type: user === undefined ? undefined : "user",
        teams: record.team_id,
        pat_name: meta.user_api_key_alias,
        metadata,
        reported_cost_usd: record.spend,
      },
    },
  ];
}
