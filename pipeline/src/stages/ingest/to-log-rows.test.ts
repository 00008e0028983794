import { describe, expect, it } from "vitest";
import { compilePreset } from "./compile-preset.ts";
import { toLogRows } from "./to-log-rows.ts";

describe("toLogRows", () => {
  it("one outcome per call of a native record: rows, and rejects with the call's own text", () => {
    const bucket = {
      start_time: 1772409600,
      end_time: 1772496000,
      results: [
        { model: "gpt-4o", input_tokens: 10, output_tokens: 1, num_model_requests: 3 },
        { model: "gpt-4o", input_tokens: -1, output_tokens: 1, num_model_requests: 1, project_id: "p" },
        null,
      ],
    };
    const out = toLogRows(bucket, JSON.stringify(bucket), compilePreset("openai-usage"));
    expect(out).toEqual([
      { row: expect.objectContaining({ model: "openai/gpt-4o", calls: 3, input_tokens: 10, timestamp: 1772409600000 }) },
      { reason: "input_tokens must be ≥ 0, got -1", raw: JSON.stringify(bucket.results[1]) },
      { reason: "results[2] is not a JSON object", raw: "null" },
    ]);
  });
  it("presets without a normaliser give one outcome, the record's text as raw", () => {
    expect(toLogRows({ request_id: "r" }, "RAW", compilePreset("canonical"))).toEqual([{ reason: "missing timestamp", raw: "RAW" }]);
    expect(
      toLogRows({ request_id: "r", timestamp: "2026-03-01T00:00:00Z", model: "a/b", calls: 4 }, "", compilePreset("canonical")),
    ).toEqual([{ row: expect.objectContaining({ calls: 4 }) }]);
  });
});
