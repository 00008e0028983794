import { describe, expect, it } from "vitest";
import { normaliseOpenaiUsage } from "./openai-usage.ts";

const result = (extra: Record<string, unknown> = {}) => ({
  input_tokens: 1000,
  input_cached_tokens: 400,
  output_tokens: 100,
  num_model_requests: 7,
  project_id: "proj_1",
  user_id: null,
  api_key_id: "key_1",
  model: "gpt-4o-mini",
  batch: false,
  ...extra,
});

describe("normaliseOpenaiUsage", () => {
  it("expands a page into buckets into results, each an aggregate of num_model_requests calls", () => {
    const out = normaliseOpenaiUsage({
      object: "page",
      data: [{ start_time: 1772409600, end_time: 1772496000, results: [result(), "x", result({ batch: true, num_model_requests: 2 })] }],
      has_more: false,
    });
    expect(out).toEqual([
      {
        raw: expect.any(String),
        record: expect.objectContaining({
          request_id: "openai-usage:1772409600:proj_1::key_1:gpt-4o-mini:false:",
          timestamp: 1772409600000,
          model: "openai/gpt-4o-mini",
          calls: 7,
          input_tokens: 1000,
          cache_read_tokens: 400,
          pat_name: "key_1",
          metadata: { bucket_end_time: 1772496000, project_id: "proj_1" },
        }),
      },
      { error: "results[1] is not a JSON object", raw: '"x"' },
      {
        raw: expect.any(String),
        record: expect.objectContaining({ calls: 2, batch: true, request_id: "openai-usage:1772409600:proj_1::key_1:gpt-4o-mini:true:" }),
      },
    ]);
  });
  it("a line that is neither page nor bucket is one reject", () => {
    expect(normaliseOpenaiUsage({ start_time: 1 })).toEqual([
      { error: expect.stringMatching(/^not a usage bucket/), raw: '{"start_time":1}' },
    ]);
  });
});
