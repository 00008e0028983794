import { describe, expect, it } from "vitest";
import { detectPreset } from "./detect-preset.ts";

describe("detectPreset", () => {
  it("recognises each format from its first record, a page by its first element", () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ CreatedAt: "x", ModelName: "m" }, "truefoundry"],
      [{ resourceSpans: [] }, "otel"],
      [{ TraceId: "t", SpanAttributes: {} }, "otel"],
      [{ request_id: "r", custom_llm_provider: "openai" }, "litellm"],
      [{ data: [{ request_id: "r", spend: 0, startTime: "t" }], total: 1 }, "litellm"],
      [{ ai_org: "openai", ai_model: "gpt-4o" }, "portkey"],
      [{ object: "page", data: [{ start_time: 1, results: [] }] }, "openai-usage"],
      [{ start_time: 1, results: [] }, "openai-usage"],
      [{ data: [{ starting_at: "t", results: [] }] }, "anthropic-usage"],
      [{ request_id: "r", usage: { input_tokens: 1 } }, "anthropic"],
      [{ request_id: "r", timestamp: "t", model: "m", startTime: "t" }, "canonical"],
      [{ request_id: "r", data: [{ ai_org: "o", ai_model: "m" }] }, "canonical"],
    ];
    for (const [record, preset] of cases) expect([record, detectPreset(record)]).toEqual([record, preset]);
  });
});
