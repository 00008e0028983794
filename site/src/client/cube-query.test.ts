import * as aq from "arquero";
import { describe, expect, it } from "vitest";
import { breakdown, MEASURES, valuesOf } from "./cube-query.ts";

describe("valuesOf", () => {
  it("lists every distinct value once, costliest first, ties by key, in the order of the breakdown", () => {
    const n = 3_000;
    const zeros = Object.fromEntries(MEASURES.map((m) => [m, Array.from({ length: n }, () => (m.endsWith("_usd") ? 0n : 0))]));
    const table = aq.table({
      ...zeros,
      user: Array.from({ length: n }, (_, i) => (i % 10 === 9 ? null : `u${i % 1500}`)),
      cost_usd: Array.from({ length: n }, (_, i) => BigInt((i % 1500) % 7) * 1_000_000_001n),
    });
    const values = valuesOf(table, "user");
    expect(values).toHaveLength(new Set(table.array("user") as unknown[]).size);
    expect(values).toEqual(breakdown(table, "user").map((r) => r.key));
    expect(values).toContain(null);
    expect(
      valuesOf(
        table.filter(() => false),
        "user",
      ),
    ).toEqual([]);
  });
});
