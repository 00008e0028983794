import { expandPage, objectOf, pageElements, providerModel, rawOf, type Expanded } from "./expanded.ts";

/**
 * Anthropic Admin API usage report, messages (`GET /v1/organizations/usage_report/messages`,
 * docs.anthropic.com/en/api/admin-api/usage-cost/get-messages-usage-report, as of 2025):
 * a page `{data: [bucket], has_more, next_page}`, each bucket `{starting_at, ending_at
 * (RFC 3339), results: [result]}`. A line may hold a page or a single bucket; each result
 * is one row summing an unknown number of calls (the report gives no request count: `calls`
 * is 0, "unknown", docs/pricing.md). Group the report by `model` (results without one are
 * rejected). `uncached_input_tokens` leaves out cache reads and writes (the preset adds them).
 *
 * | canonical | Anthropic usage report |
 * |---|---|
 * | request_id | `anthropic-usage:` starting_at, workspace_id, api_key_id, model, service_tier, context_window joined by ":" |
 * | timestamp | bucket starting_at |
 * | model | `anthropic/` + model |
 * | calls | 0 (an unknown number) |
 * | input_tokens | uncached_input_tokens (+ cache read + cache write) |
 * | cache_read_tokens | cache_read_input_tokens |
 * | cache_write_tokens | cache_creation.ephemeral_5m_input_tokens + cache_creation.ephemeral_1h_input_tokens |
 * | cache_write_1h_tokens | cache_creation.ephemeral_1h_input_tokens |
 * | output_tokens | output_tokens |
 * | queries | server_tool_use.web_search_requests |
 * | batch | service_tier = `batch` |
 * | service_tier | service_tier (`standard`, `priority`; none for batch) |
 * | pat_name | api_key_id |
 * | metadata | workspace_id, context_window, bucket_ending_at |
 */
export function normaliseAnthropicUsage(record: Record<string, unknown>): Expanded[] {
  const page = pageElements(record);
  if (page) return expandPage(page, "data", normaliseAnthropicUsage);
  if (!Array.isArray(record.results))
    return [{ error: "not a usage bucket: no results list (starting_at, ending_at, results)", raw: rawOf(record) }];
  return expandPage(record.results, "results", (result) => [{ record: resultOf(record, result) }]);
}

function resultOf(bucket: Record<string, unknown>, r: Record<string, unknown>): Record<string, unknown> {
  const creation = objectOf(r.cache_creation) ?? {};
  const write5m = creation.ephemeral_5m_input_tokens ?? 0;
  const write1h = creation.ephemeral_1h_input_tokens ?? 0;
  const metadata: Record<string, unknown> = { bucket_ending_at: bucket.ending_at };
  if (r.workspace_id !== undefined && r.workspace_id !== null) metadata.workspace_id = r.workspace_id;
  if (r.context_window !== undefined && r.context_window !== null) metadata.context_window = r.context_window;
  const tier = typeof r.service_tier === "string" ? r.service_tier.trim().toLowerCase() : r.service_tier;
  const key = [bucket.starting_at, r.workspace_id, r.api_key_id, r.model, r.service_tier, r.context_window].map((v) =>
    v === undefined || v === null ? "" : String(v),
  );
  return {
    request_id: `anthropic-usage:${key.join(":")}`,
    timestamp: bucket.starting_at,
    model: typeof r.model === "string" ? providerModel("anthropic", r.model) : r.model,
    calls: 0,
    input_tokens: r.uncached_input_tokens,
    cache_read_tokens: r.cache_read_input_tokens,
    // A sum only of two counts; anything else is passed on whole so the check names it.
    cache_write_tokens:
      typeof write5m === "number" && typeof write1h === "number" ? write5m + write1h : typeof write5m === "number" ? write1h : write5m,
    cache_write_1h_tokens: creation.ephemeral_1h_input_tokens,
    output_tokens: r.output_tokens,
    queries: objectOf(r.server_tool_use)?.web_search_requests,
    batch: tier === "batch",
    service_tier: tier === "batch" ? undefined : tier,
    pat_name: r.api_key_id,
    metadata,
  };
}
