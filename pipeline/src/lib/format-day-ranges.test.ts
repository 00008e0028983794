import { describe, expect, it } from "vitest";
import { formatDayRanges } from "./format-day-ranges.ts";

describe("formatDayRanges", () => {
  it("collapses runs of consecutive days, across month ends, sorted and without repeats", () => {
    expect(formatDayRanges(["2026-07-02", "2026-06-30", "2026-07-01", "2026-06-09", "2026-06-30", "2026-07-04"])).toBe(
      "2026-06-09, 2026-06-30..2026-07-02, 2026-07-04",
    );
  });

  it("knows leap days and the end of a year", () => {
    expect(formatDayRanges(["2028-02-28", "2028-02-29", "2028-03-01"])).toBe("2028-02-28..2028-03-01");
    expect(formatDayRanges(["2026-02-28", "2026-03-01"])).toBe("2026-02-28..2026-03-01");
    expect(formatDayRanges(["2026-12-31", "2027-01-01"])).toBe("2026-12-31..2027-01-01");
  });

  it("shows at most `limit` ranges and counts the days left out", () => {
    expect(formatDayRanges(["2026-06-01", "2026-06-03", "2026-06-05", "2026-06-06", "2026-06-07"], 1)).toBe(
      "2026-06-01, … and 4 more days",
    );
    expect(formatDayRanges([])).toBe("");
  });
});
