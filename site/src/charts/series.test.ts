import { describe, expect, it } from "vitest";
import { describeChart } from "./index.ts";
import { seriesRows, toSeries } from "./series.ts";

describe("toSeries", () => {
  const rows = [
    { date: "2026-07-02", key: "b", nano: 2_000_000_000n },
    { date: "2026-07-01", key: "a", nano: 1_000_000_000n },
    { date: "2026-07-02", key: "a", nano: 4_000_000_000n },
    { date: "2026-07-01", key: null, nano: 500_000_000n },
    { date: "2026-07-02", key: "c", nano: 250_000_000n },
  ];
  it("orders keys by total cost, names null (none) and folds the rest into (other)", () => {
    expect(toSeries(rows, 2)).toEqual({
      dates: ["2026-07-01", "2026-07-02"],
      keys: ["a", "b", "(other)"],
      values: [
        [1, 4],
        [0, 2],
        [0.5, 0.25],
      ],
    });
  });
  it("gives long rows with the key's rank for legend and stack order", () => {
    expect(seriesRows(toSeries(rows, 1)).filter((r) => r.date === "2026-07-02")).toEqual([
      { date: "2026-07-02", key: "a", cost: 4, text: "$4.00", order: 0 },
      { date: "2026-07-02", key: "(other)", cost: 2.25, text: "$2.25", order: 1 },
    ]);
  });
  it("describes the chart in a sentence: range, busiest day, largest series", () => {
    const text = describeChart({ kind: "lines", series: toSeries(rows), what: "model" });
    expect(text).toBe(
      "Daily cost lines by model, 2026-07-01 to 2026-07-02 (2 days, 4 series). Highest day 2026-07-02 at $6.25; largest series a at $5.00 over the period.",
    );
  });

  it("takes rows already folded upstream (other: true) as (other), and quotes a log value named like a bucket", () => {
    const series = toSeries([
      { date: "2026-07-01", key: "(other)", nano: 3_000_000_000n },
      { date: "2026-07-01", key: "(none)", nano: 2_000_000_000n },
      { date: "2026-07-01", key: null, nano: 1_000_000_000n, other: true },
      { date: "2026-07-01", key: null, nano: 500_000_000n },
    ]);
    expect(series.keys).toEqual(["“(other)”", "“(none)”", "(none)", "(other)"]);
    expect(series.values).toEqual([[3], [2], [0.5], [1]]);
  });

  it("keeps 10 keys by default and sums the rest into one (other) series", () => {
    const many = Array.from({ length: 14 }, (_, i) => ({
      date: "2026-07-01",
      key: `k${String(i).padStart(2, "0")}`,
      nano: BigInt(100 - i) * 1_000_000_000n,
    }));
    const series = toSeries(many);
    expect(series.keys).toEqual([...many.slice(0, 10).map((r) => r.key), "(other)"]);
    expect(series.values.at(-1)).toEqual([90 + 89 + 88 + 87]);
  });

  it("draws no $0 for unpriced calls: an all-unpriced key is named, not drawn; an all-unpriced day has no value", () => {
    const series = toSeries([
      { date: "2026-07-01", key: "priced", nano: 3_000_000_000n, requests: 4, unpriced_requests: 1 },
      { date: "2026-07-02", key: "priced", nano: 0n, requests: 2, unpriced_requests: 2 },
      { date: "2026-07-01", key: "gone", nano: 0n, requests: 5, unpriced_requests: 5 },
      { date: "2026-07-02", key: "gone", nano: 0n, requests: 1, unpriced_requests: 1 },
      { date: "2026-07-02", key: "other-model", nano: 1_000_000_000n, requests: 1, unpriced_requests: 0 },
    ]);
    expect(series.keys).toEqual(["priced", "other-model"]);
    expect(series.unpriced).toEqual(["gone"]);
    expect(series.values).toEqual([
      [3, null],
      [0, 1],
    ]);
    expect(series.notes).toEqual({ "0,0": "$3.00 (25.00% unpriced)", "0,1": "unpriced" });
    const rows = seriesRows(series);
    expect(rows.filter((r) => r.key === "priced").map((r) => [r.date, r.cost, r.text])).toEqual([
      ["2026-07-01", 3, "$3.00 (25.00% unpriced)"],
      ["2026-07-02", null, "unpriced"],
    ]);
    expect(rows.some((r) => r.key === "gone")).toBe(false);
    expect(describeChart({ kind: "trend", series: { model: series }, stackBy: "model" })).toContain(
      "Not drawn, every call unpriced (no cost): gone.",
    );
  });

  it("says so when every key is unpriced", () => {
    const series = toSeries([{ date: "2026-07-01", key: "x", nano: 0n, requests: 3, unpriced_requests: 3 }]);
    expect(series.keys).toEqual([]);
    expect(describeChart({ kind: "lines", series, what: "model" })).toBe(
      "No priced daily data by model. Not drawn, every call unpriced (no cost): x.",
    );
  });
});
