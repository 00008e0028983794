import { describe, expect, it } from "vitest";
import { rowsFromArrays } from "../../../pipeline/src/cube/cube-columns.ts";
import { breakdown, filterCube, MEASURES, valuesOf } from "./cube-query.ts";

describe("valuesOf", () => {
  it("lists every distinct value once, costliest first, ties by key, in the order of the breakdown", () => {
    const n = 3_000;
    const zeros = Object.fromEntries(MEASURES.map((m) => [m, Array.from({ length: n }, () => (m.endsWith("_usd") ? 0n : 0))]));
    const users = Array.from({ length: n }, (_, i) => (i % 10 === 9 ? null : `u${i % 1500}`));
    const table = rowsFromArrays({
      ...zeros,
      user: users,
      cost_usd: Array.from({ length: n }, (_, i) => BigInt((i % 1500) % 7) * 1_000_000_001n),
    });
    const values = valuesOf(table, "user");
    expect(values).toHaveLength(new Set(users).size);
    expect(values).toEqual(breakdown(table, "user").map((r) => r.key));
    expect(values).toContain(null);
    // The absent value sums every tenth row; then the users of cost 6 × 2 rows, by key.
    expect(values.slice(0, 3)).toEqual([null, "u1000", "u1007"]);
    expect(valuesOf(filterCube(table, { equals: { user: "nobody" } }), "user")).toEqual([]);
  });
});
