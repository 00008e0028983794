import { describe, expect, it } from "vitest";
import { isDate, periodOf, previousPeriod } from "./periods.ts";

describe("budget periods (UTC calendar)", () => {
  it.each([
    ["day", "2026-03-01", { start: "2026-03-01", end: "2026-03-01", days: 1 }],
    // 2026-06-17 is a Wednesday: its ISO week runs Monday 15 … Sunday 21.
    ["week", "2026-06-17", { start: "2026-06-15", end: "2026-06-21", days: 7 }],
    ["week", "2026-06-15", { start: "2026-06-15", end: "2026-06-21", days: 7 }],
    ["week", "2026-06-21", { start: "2026-06-15", end: "2026-06-21", days: 7 }],
    // A week across the new year: Thursday 2026-01-01 is in the week of Monday 2025-12-29.
    ["week", "2026-01-01", { start: "2025-12-29", end: "2026-01-04", days: 7 }],
    ["month", "2028-02-10", { start: "2028-02-01", end: "2028-02-29", days: 29 }],
    ["month", "2026-02-28", { start: "2026-02-01", end: "2026-02-28", days: 28 }],
    ["quarter", "2026-06-30", { start: "2026-04-01", end: "2026-06-30", days: 91 }],
    ["quarter", "2026-07-01", { start: "2026-07-01", end: "2026-09-30", days: 92 }],
    ["quarter", "2026-02-14", { start: "2026-01-01", end: "2026-03-31", days: 90 }],
    ["quarter", "2026-11-30", { start: "2026-10-01", end: "2026-12-31", days: 92 }],
  ] as const)("%s of %s", (period, date, expected) => {
    expect(periodOf(period, date)).toEqual(expected);
  });

  it("the previous period ends the day before", () => {
    expect(previousPeriod("quarter", periodOf("quarter", "2026-01-15"))).toEqual({ start: "2025-10-01", end: "2025-12-31", days: 92 });
    expect(previousPeriod("week", periodOf("week", "2026-06-15"))).toEqual({ start: "2026-06-08", end: "2026-06-14", days: 7 });
    expect(previousPeriod("month", periodOf("month", "2026-03-31"))).toEqual({ start: "2026-02-01", end: "2026-02-28", days: 28 });
  });

  it("isDate accepts real calendar dates only", () => {
    expect(["2026-02-28", "2028-02-29"].map(isDate)).toEqual([true, true]);
    expect(["2026-02-29", "2026-13-01", "2026-6-1", "yesterday", "2026-06-01T00:00"].map(isDate)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
