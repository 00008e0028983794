import { describe, expect, it } from "vitest";
import { compareDays, dayTotalsOf } from "./compare-days.ts";

const META = { restatedAt: "2026-07-20T02:30:00.000Z", pricingVersion: "sha256:new", pricingCommit: "0123abc" };

describe("compareDays", () => {
  const before = new Map([
    ["2026-07-02", { rows: 3, cost: 1_500_000_000n, list: 2_000_000_000n, pricingVersions: new Set(["sha256:old"]) }],
    ["2026-07-01", { rows: 2, cost: 10n, list: 0n, pricingVersions: new Set(["sha256:b", "sha256:a"]) }],
    ["2026-07-03", { rows: 1, cost: 5n, list: 5n, pricingVersions: new Set(["sha256:old"]) }],
  ]);
  const after = new Map([
    ["2026-07-01", { rows: 2, cost: 10n, list: 0n }],
    ["2026-07-02", { rows: 3, cost: 1_250_000_000n, list: 2_000_000_000n }],
    ["2026-07-03", { rows: 1, cost: 5n, list: 7n }],
  ]);
  const { days, entries } = compareDays(before, after, META);

  it("reports every day in date order, old → new, and which changed", () => {
    expect(days).toEqual([
      {
        date: "2026-07-01",
        old: { rows: 2, cost_usd: "0.000000010", list_cost_usd: "0.000000000" },
        new: { rows: 2, cost_usd: "0.000000010", list_cost_usd: "0.000000000" },
        changed: false,
      },
      {
        date: "2026-07-02",
        old: { rows: 3, cost_usd: "1.500000000", list_cost_usd: "2.000000000" },
        new: { rows: 3, cost_usd: "1.250000000", list_cost_usd: "2.000000000" },
        changed: true,
      },
      {
        date: "2026-07-03",
        old: { rows: 1, cost_usd: "0.000000005", list_cost_usd: "0.000000005" },
        new: { rows: 1, cost_usd: "0.000000005", list_cost_usd: "0.000000007" },
        changed: true,
      },
    ]);
  });

  it("records one entry per changed day (a list cost change counts), with the clock, versions and commit", () => {
    expect(entries.map((e) => e.date)).toEqual(["2026-07-02", "2026-07-03"]);
    expect(entries[0]).toEqual({
      date: "2026-07-02",
      restated_at: "2026-07-20T02:30:00.000Z",
      old: { rows: 3, cost_usd: "1.500000000", list_cost_usd: "2.000000000" },
      new: { rows: 3, cost_usd: "1.250000000", list_cost_usd: "2.000000000" },
      old_pricing_version: "sha256:old",
      new_pricing_version: "sha256:new",
      pricing_commit: "0123abc",
    });
  });

  it("lists every old pricing version of a day, sorted", () => {
    const { entries: mixed } = compareDays(
      new Map([["2026-07-01", { rows: 2, cost: 10n, list: 0n, pricingVersions: new Set(["sha256:b", "sha256:a"]) }]]),
      new Map([["2026-07-01", { rows: 2, cost: 11n, list: 0n }]]),
      META,
    );
    expect(mixed[0]!.old_pricing_version).toBe("sha256:a,sha256:b");
  });
});

describe("dayTotalsOf", () => {
  it("sums the dataset rollup's groups per date, in rows (not requests: an aggregate row is one row)", () => {
    const group = (date: string, rows: number, cost: bigint, list: bigint) => ({
      values: { date, price_source: "public", policy_status: "ok" },
      requests: rows * 1000,
      rows,
      cost,
      list,
    });
    expect(dayTotalsOf([group("2026-07-01", 2, 10n, 12n), group("2026-07-02", 1, 1n, 0n), group("2026-07-01", 3, 5n, 0n)])).toEqual(
      new Map([
        ["2026-07-01", { rows: 5, cost: 15n, list: 12n }],
        ["2026-07-02", { rows: 1, cost: 1n, list: 0n }],
      ]),
    );
  });
});
