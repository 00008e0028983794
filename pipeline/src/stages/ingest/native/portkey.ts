import { formatDecimal, isDecimalText, parseDecimal } from "../../../pricing/money.ts";
import { firstPresent, objectOf, objectOrJson, providerModel, type Expanded } from "./expanded.ts";

/**
 * Portkey logs export (JSON Lines; docs.portkey.ai "Logs Export", the "Exported Data"
 * columns, as documented in 2025): one log per line. `cost` is in US cents.
 *
 * | canonical | Portkey |
 * |---|---|
 * | request_id | id, else trace_id |
 * | timestamp | created_at |
 * | model | `ai_org` + "/" + `ai_model` |
 * | input_tokens | req_units (the request's tokens, cache included) |
 * | output_tokens | res_units |
 * | cache_read_tokens | response.body usage: prompt_tokens_details.cached_tokens, else cache_read_input_tokens |
 * | cache_write_tokens | response.body usage: cache_creation_input_tokens |
 * | reasoning_tokens | response.body usage: completion_tokens_details.reasoning_tokens |
 * | status_code | response_status_code |
 * | subject (type `user`) | metadata._user |
 * | metadata | metadata |
 * | reported_cost_usd | cost ÷ 100 (exact decimal shift) |
 */
export function normalisePortkey(record: Record<string, unknown>): Expanded[] {
  const response = objectOf(record.response);
  const body = objectOrJson(record["response.body"]) ?? objectOrJson(response?.body) ?? {};
  const usage = objectOf(body.usage) ?? {};
  const promptDetails = objectOf(usage.prompt_tokens_details) ?? {};
  const completionDetails = objectOf(usage.completion_tokens_details) ?? {};
  const metadata = objectOrJson(record.metadata);
  const user = metadata?._user;
  return [
    {
      record: {
        request_id: firstPresent(record.id, record.trace_id),
        timestamp: record.created_at,
        model: providerModel(record.ai_org, record.ai_model),
        input_tokens: record.req_units,
        output_tokens: record.res_units,
        cache_read_tokens: firstPresent(promptDetails.cached_tokens, usage.cache_read_input_tokens),
        cache_write_tokens: usage.cache_creation_input_tokens,
        reasoning_tokens: completionDetails.reasoning_tokens,
        status_code: record.response_status_code,
        subject: user,
        subject_type: user === undefined || user === null || user === "" ? undefined : "user",
        metadata: metadata ?? record.metadata,
        reported_cost_usd: centsToUsd(record.cost),
      },
    },
  ];
}

/** Cents as USD decimal text, shifted exactly; a value that is no decimal is passed on for the check. */
export function centsToUsd(cents: unknown): unknown {
  const text = typeof cents === "number" && Number.isFinite(cents) ? String(cents) : typeof cents === "string" ? cents.trim() : undefined;
  if (text === undefined || text === "" || !isDecimalText(text)) return cents;
  const value = parseDecimal(text);
  return formatDecimal({ ...value, scale: value.scale + 2 });
}
