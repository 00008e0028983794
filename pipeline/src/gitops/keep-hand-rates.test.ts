import { describe, expect, it } from "vitest";
import { insertRate, type KeptRate } from "./keep-hand-rates.ts";

const rate = (shape: "v1" | "v2", region = "*"): KeptRate => ({
  key: "anthropic/claude-x",
  region,
  field: "cache_creation_input_token_cost_above_1hr",
  rate: "0.000006",
  file: "providers/anthropic/claude-x.yaml",
  shape,
});

describe("insertRate", () => {
  it("adds the rate under a v1 file's costs at the indentation of its fields", () => {
    expect(insertRate("model: x\ncosts: # list prices\n    input_cost_per_token: 0.000003\nlimits: {}\n", rate("v1"))).toBe(
      "model: x\ncosts: # list prices\n    cache_creation_input_token_cost_above_1hr: 0.000006\n    input_cost_per_token: 0.000003\nlimits: {}\n",
    );
  });

  it("adds it beside the region key of the v2 entry for the region, quoted or not, first key or not", () => {
    const text = "model: x\ncosts:\n  - input_cost_per_token: 1\n    region: 'eu'\n  - region: \"*\"\n    input_cost_per_token: 2\n";
    expect(insertRate(text, rate("v2", "eu"))).toBe(
      "model: x\ncosts:\n  - input_cost_per_token: 1\n    region: 'eu'\n    cache_creation_input_token_cost_above_1hr: 0.000006\n  - region: \"*\"\n    input_cost_per_token: 2\n",
    );
    expect(insertRate(text, rate("v2"))).toBe(
      "model: x\ncosts:\n  - input_cost_per_token: 1\n    region: 'eu'\n  - region: \"*\"\n    cache_creation_input_token_cost_above_1hr: 0.000006\n    input_cost_per_token: 2\n",
    );
  });

  it("gives up (undefined) when the entry is not written in a shape it knows", () => {
    expect(insertRate("model: x\ncosts: {input_cost_per_token: 1}\n", rate("v1"))).toBeUndefined();
    expect(insertRate("model: x\ncosts:\n  - region: eu\n", rate("v2", "us"))).toBeUndefined();
  });
});
