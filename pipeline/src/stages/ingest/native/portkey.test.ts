import { describe, expect, it } from "vitest";
import { centsToUsd, normalisePortkey } from "./portkey.ts";

describe("normalisePortkey", () => {
  it("maps a log, with cache counts from the response body (dotted column or nested)", () => {
    const log = {
      id: "p1",
      created_at: "2026-03-02T08:00:00Z",
      ai_org: "openai",
      ai_model: "gpt-4o",
      req_units: 100,
      res_units: 20,
      cost: 0.45,
      metadata: { _user: "u1" },
    };
    const usage = { prompt_tokens_details: { cached_tokens: 64 }, cache_creation_input_tokens: 8 };
    for (const shape of [{ "response.body": { usage } }, { response: { body: JSON.stringify({ usage }) } }]) {
      expect(normalisePortkey({ ...log, ...shape })).toEqual([
        {
          record: expect.objectContaining({
            request_id: "p1",
            model: "openai/gpt-4o",
            input_tokens: 100,
            output_tokens: 20,
            cache_read_tokens: 64,
            cache_write_tokens: 8,
            subject: "u1",
            subject_type: "user",
            reported_cost_usd: "0.0045",
          }),
        },
      ]);
    }
  });
  it("shifts cents to dollars exactly and passes anything else on for the check", () => {
    expect([centsToUsd(0.0339), centsToUsd("2.25"), centsToUsd(4), centsToUsd(1e-7), centsToUsd("n/a"), centsToUsd(null)]).toEqual([
      "0.000339",
      "0.0225",
      "0.04",
      "0.000000001",
      "n/a",
      null,
    ]);
  });
});
