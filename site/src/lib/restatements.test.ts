import { describe, expect, it } from "vitest";
import { dailyTotals, notesByDay, restatementNotes } from "./restatements.ts";

const entry = (date: string, restated_at: string, old: string, now: string) => ({
  date,
  restated_at,
  old: { rows: 2, cost_usd: old, list_cost_usd: "0.000000000" },
  new: { rows: 2, cost_usd: now, list_cost_usd: "0.000000000" },
  old_pricing_version: "sha256:a",
  new_pricing_version: "sha256:b",
  pricing_commit: null,
});

describe("restatementNotes", () => {
  const notes = restatementNotes([
    entry("2026-07-08", "2026-07-20T02:30:00.000Z", "4.339634146", "4.300000000"),
    entry("2026-07-06", "2026-07-16T02:31:07.000Z", "9.581179098", "9.569638998"),
    entry("2026-07-08", "2026-07-16T02:31:07.000Z", "4.356571846", "4.339634146"),
  ]);

  it("says when each day was restated, old → new, by day then oldest first", () => {
    expect(notes.map((n) => [n.date, n.text, n.change])).toEqual([
      ["2026-07-06", "restated on 2026-07-16: $9.58 → $9.57", "-0.011540100"],
      ["2026-07-08", "restated on 2026-07-16: $4.36 → $4.34", "-0.016937700"],
      ["2026-07-08", "restated on 2026-07-20: $4.34 → $4.30", "-0.039634146"],
    ]);
  });

  it("shows exact amounts when the rounded ones would look the same", () => {
    expect(restatementNotes([entry("2026-07-05", "2026-07-16T02:31:07.000Z", "0.825648111", "0.825600000")])[0]).toMatchObject({
      text: "restated on 2026-07-16: $0.825648111 → $0.825600000",
      change: "-0.000048111",
    });
    expect(restatementNotes([entry("2026-07-05", "2026-07-16T02:31:07.000Z", "1.000000000", "2.500000000")])[0]!.change).toBe(
      "+1.500000000",
    );
  });

  it("joins the notes of a day restated twice, and puts each on its day's row of the daily totals", () => {
    const byDay = notesByDay(notes);
    expect(byDay.get("2026-07-08")).toBe("restated on 2026-07-16: $4.36 → $4.34; restated on 2026-07-20: $4.34 → $4.30");
    const daily = [
      { date: "2026-07-08", model: "a", team: "x", requests: 2, cost_usd: "1.000000001" },
      { date: "2026-07-07", model: "a", team: "x", requests: 1, cost_usd: "0.500000000" },
      { date: "2026-07-08", model: "b", team: "y", requests: 3, cost_usd: "3.299999999", unpriced_requests: 1 },
    ];
    expect(dailyTotals(daily, byDay)).toEqual([
      { date: "2026-07-07", requests: 1, cost_usd: "0.500000000", unpriced_requests: 0, note: null },
      { date: "2026-07-08", requests: 5, cost_usd: "4.300000000", unpriced_requests: 1, note: byDay.get("2026-07-08") },
    ]);
  });
});
