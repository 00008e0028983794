import { expect, it } from "vitest";
import { displayRate, perMillion, rateName } from "./rates.ts";

it("shows token rates per million tokens and unit rates per unit, exactly", () => {
  expect(perMillion("0.00000125")).toBe("1.25");
  expect(perMillion("6.e-8")).toBe("0.06");
  expect(displayRate("cache_read_input_token_cost", "0.000000075")).toBe("$0.075 / 1M tokens");
  expect(displayRate("output_cost_per_image", "0.04")).toBe("$0.04 / image");
  expect(displayRate("input_cost_per_second", "0.0001")).toBe("$0.0001 / second");
  expect(rateName("cache_creation_input_token_cost")).toBe("cache write");
  expect(rateName("output_cost_per_token_batches")).toBe("output (batch)");
});
