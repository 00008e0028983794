import { describe, expect, it } from "vitest";
import { normaliseAnthropicUsage } from "./anthropic-usage.ts";

const bucket = (results: unknown[]) => ({ starting_at: "2026-03-02T00:00:00Z", ending_at: "2026-03-03T00:00:00Z", results });
const result = (extra: Record<string, unknown> = {}) => ({
  uncached_input_tokens: 100,
  cache_read_input_tokens: 50,
  cache_creation: { ephemeral_1h_input_tokens: 30, ephemeral_5m_input_tokens: 20 },
  output_tokens: 10,
  server_tool_use: { web_search_requests: 2 },
  model: "claude-haiku-4-5",
  service_tier: "standard",
  workspace_id: "ws",
  api_key_id: "k",
  context_window: "0-200k",
  ...extra,
});

describe("normaliseAnthropicUsage", () => {
  it("sums 1-hour and 5-minute cache writes, keeps the 1-hour count apart, marks an unknown call count", () => {
    expect(normaliseAnthropicUsage({ data: [bucket([result()])], has_more: false })).toEqual([
      {
        raw: expect.any(String),
        record: expect.objectContaining({
          request_id: "anthropic-usage:2026-03-02T00:00:00Z:ws:k:claude-haiku-4-5:standard:0-200k",
          timestamp: "2026-03-02T00:00:00Z",
          model: "anthropic/claude-haiku-4-5",
          calls: 0,
          input_tokens: 100,
          cache_read_tokens: 50,
          cache_write_tokens: 50,
          cache_write_1h_tokens: 30,
          queries: 2,
          batch: false,
          service_tier: "standard",
          metadata: { bucket_ending_at: "2026-03-03T00:00:00Z", workspace_id: "ws", context_window: "0-200k" },
        }),
      },
    ]);
  });
  it("service_tier batch is the batch flag; a bad write count is passed on for the check", () => {
    const [batch, bad] = normaliseAnthropicUsage(
      bucket([
        result({ service_tier: "batch" }),
        result({ cache_creation: { ephemeral_5m_input_tokens: "x", ephemeral_1h_input_tokens: 1 } }),
      ]),
    );
    expect(batch).toEqual({ raw: expect.any(String), record: expect.objectContaining({ batch: true, service_tier: undefined }) });
    expect(bad).toEqual({ raw: expect.any(String), record: expect.objectContaining({ cache_write_tokens: "x" }) });
  });
});
