import { describe, expect, it } from "vitest";
import { extractHeader, measureOf, toExtractTable } from "./to-extract-table.ts";

const grouped = (columns: Record<string, unknown[]>) => Object.assign(columns, { length: Object.values(columns)[0]!.length });
const measures = (n: number, cost: unknown[]) => ({
  requests: Array(n).fill(2),
  input_tokens: Array(n).fill(10),
  cache_read_tokens: Array(n).fill(0),
  cache_write_tokens: Array(n).fill(0),
  output_tokens: Array(n).fill(5),
  cost_usd: cost,
  list_cost_usd: cost,
  unpriced_requests: Array(n).fill(0),
});

describe("toExtractTable", () => {
  it("finds measures by name whatever the column order, sorts by the group fields with null first, totals cost exactly", () => {
    const table = toExtractTable(
      grouped({ ...measures(3, [1_000_000_001n, 2n, 3n]), team: ["b", null, "a"], date: ["2026-01-02", "2026-01-01", "2026-01-02"] }),
      ["date", "team"],
    );
    expect(table.rows.map((r) => r.slice(0, 2))).toEqual([
      ["2026-01-01", null],
      ["2026-01-02", "a"],
      ["2026-01-02", "b"],
    ]);
    expect(table.rows.map((r) => measureOf(table, r, "cost_usd"))).toEqual([2n, 3n, 1_000_000_001n]);
    expect(table.totalCostNano).toBe(1_000_000_006n);
    expect(extractHeader(table)).toEqual([
      "date",
      "team",
      "requests",
      "input_tokens",
      "cache_read_tokens",
      "cache_write_tokens",
      "output_tokens",
      "cost_usd",
      "list_cost_usd",
      "unpriced_requests",
    ]);
  });

  it("an unpriced group's missing cost is 0n, a missing count 0, and bigint counts become numbers", () => {
    const table = toExtractTable(grouped({ ...measures(2, [null, 5n]), requests: [3n, undefined], model: ["x", "y"] }), ["model"]);
    expect(table.rows[0]).toEqual(["x", 3, 10, 0, 0, 5, 0n, 0n, 0]);
    expect(table.rows[1]).toEqual(["y", 0, 10, 0, 0, 5, 5n, 5n, 0]);
    expect(table.totalCostNano).toBe(5n);
  });

  it("refuses grouped columns without a group field or a measure", () => {
    expect(() => toExtractTable(grouped({ ...measures(1, [1n]) }), ["team"])).toThrow(/no team/);
    const { unpriced_requests: _, ...rest } = measures(1, [1n]);
    expect(() => toExtractTable(grouped({ ...rest, team: ["a"] }), ["team"])).toThrow(/no unpriced_requests/);
  });
});
