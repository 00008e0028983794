import { describe, expect, it } from "vitest";
import { normaliseLitellm } from "./litellm.ts";

const row = (extra: Record<string, unknown> = {}) => ({
  request_id: "r1",
  startTime: "2026-03-02T09:00:00Z",
  custom_llm_provider: "anthropic",
  model_group: "claude-haiku-4-5",
  model: "claude-haiku-4-5-20251001",
  spend: 0.0012,
  prompt_tokens: 10,
  completion_tokens: 5,
  ...extra,
});

describe("normaliseLitellm", () => {
  it("reads usage_object with Anthropic cache fields and prefixes the provider", () => {
    const [out] = normaliseLitellm(
      row({
        metadata: {
          usage_object: { prompt_tokens: 5200, completion_tokens: 800, cache_read_input_tokens: 4000, cache_creation_input_tokens: 1000 },
        },
      }),
    );
    expect(out).toEqual({
      record: expect.objectContaining({
        model: "anthropic/claude-haiku-4-5",
        input_tokens: 5200,
        cache_read_tokens: 4000,
        cache_write_tokens: 1000,
        output_tokens: 800,
        reported_cost_usd: 0.0012,
      }),
    });
  });
  it("reads the 1-hour cache writes of LiteLLM's cache_creation_token_details", () => {
    const [out] = normaliseLitellm(
      row({
        metadata: {
          usage_object: {
            prompt_tokens: 5200,
            completion_tokens: 800,
            cache_creation_input_tokens: 1000,
            prompt_tokens_details: { cache_creation_token_details: { ephemeral_5m_input_tokens: 700, ephemeral_1h_input_tokens: 300 } },
          },
        },
      }),
    );
    expect(out).toEqual({ record: expect.objectContaining({ cache_write_tokens: 1000, cache_write_1h_tokens: 300 }) });
  });
  it("reads OpenAI cached_tokens and reasoning from a metadata column holding JSON text (CSV export)", () => {
    const metadata = JSON.stringify({
      user_api_key_alias: "svc",
      usage_object: {
        prompt_tokens: 100,
        completion_tokens: 50,
        prompt_tokens_details: { cached_tokens: 64 },
        completion_tokens_details: { reasoning_tokens: 20 },
      },
      requester_metadata: { feature: "x" },
    });
    const [out] = normaliseLitellm(
      row({ custom_llm_provider: "openai", model_group: "", model: "o4-mini", metadata, request_tags: ["a"] }),
    );
    expect(out).toEqual({
      record: expect.objectContaining({
        model: "openai/o4-mini",
        cache_read_tokens: 64,
        reasoning_tokens: 20,
        pat_name: "svc",
        metadata: { feature: "x", tags: ["a"] },
      }),
    });
  });
  it("falls back to the row's token columns, and never prefixes twice", () => {
    const [out] = normaliseLitellm(row({ model_group: "anthropic/claude-haiku-4-5" }));
    expect(out).toEqual({ record: expect.objectContaining({ model: "anthropic/claude-haiku-4-5", input_tokens: 10, output_tokens: 5 }) });
  });
  it("expands a /spend/logs/v2 page; an element that is not an object is one reject", () => {
    const out = normaliseLitellm({ data: [row(), 7, row({ request_id: "r2" })], total: 3 });
    expect(out.map((o) => ("record" in o ? o.record.request_id : o.error))).toEqual(["r1", "data[1] is not a JSON object", "r2"]);
  });
});
