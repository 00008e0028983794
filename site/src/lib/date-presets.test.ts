import { describe, expect, it } from "vitest";
import { datePresets } from "./date-presets.ts";

describe("datePresets", () => {
  it("counts back from the data's last day, month to date and the whole month before", () => {
    expect(datePresets("2026-05-10", "2026-07-15")).toEqual([
      { id: "7d", label: "Last 7 days", from: "2026-07-09", to: "2026-07-15" },
      { id: "30d", label: "Last 30 days", from: "2026-06-16", to: "2026-07-15" },
      { id: "mtd", label: "Month to date", from: "2026-07-01", to: "2026-07-15" },
      { id: "last-month", label: "Last month", from: "2026-06-01", to: "2026-06-30" },
    ]);
  });

  it("crosses a year and a leap day", () => {
    const [d7, , mtd, last] = datePresets("2023-01-01", "2024-03-03");
    expect([d7?.from, mtd?.from, last?.from, last?.to]).toEqual(["2024-02-26", "2024-03-01", "2024-02-01", "2024-02-29"]);
    expect(datePresets("2025-12-01", "2026-01-02")[3]).toMatchObject({ from: "2025-12-01", to: "2025-12-31" });
  });

  it("clips to the data's first day and leaves out a month the data does not reach", () => {
    const presets = datePresets("2026-07-03", "2026-07-05");
    expect(presets[0]).toMatchObject({ from: "2026-07-03", to: "2026-07-05" });
    expect(presets[2]).toMatchObject({ from: "2026-07-03", to: "2026-07-05" });
    expect(presets[3]).toBeNull();
  });
});
