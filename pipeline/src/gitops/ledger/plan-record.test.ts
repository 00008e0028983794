import { describe, expect, it } from "vitest";
import type { LedgerEntry } from "../../schemas/ledger-entry.schema.ts";
import type { Restatement } from "../../schemas/restatement.schema.ts";
import { planRecord, type PlanInput, type PublishedDay } from "./plan-record.ts";

const SHA = (c: string) => c.repeat(64);

function day(date: string, cost: string, options: { rows?: number; sha?: string; pricing?: string } = {}): PublishedDay {
  const rows = options.rows ?? 10;
  return {
    date,
    rollup: {
      rollup_version: 1,
      date,
      pricing_version: options.pricing ?? "sha256:aaaa",
      rows,
      cost_usd: cost,
      list_cost_usd: "9.000000000",
      unpriced_requests: 1,
      priced_files: [{ path: `priced/date=${date}/part-00000.parquet`, rows, bytes: 100, sha256: SHA("f") }],
    },
    bytes: Buffer.from(`rollup ${date} ${cost}`),
    sha256: options.sha ?? SHA("1"),
  };
}

function entry(date: string, cost: string, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    ledger_version: 1,
    date,
    rows: 10,
    cost_usd: cost,
    list_cost_usd: "9.000000000",
    unpriced_requests: 1,
    pricing_version: "sha256:aaaa",
    priced_files: [{ path: `priced/date=${date}/part-00000.parquet`, rows: 10, bytes: 100, sha256: SHA("f") }],
    rollup_sha256: SHA("1"),
    first_recorded_at: "2026-07-01T02:30:00.000Z",
    recorded_at: "2026-07-01T02:30:00.000Z",
    restatements: [],
    ...extra,
  };
}

const NOW = "2026-07-20T02:30:00.000Z";
const plan = (days: PublishedDay[], entries: LedgerEntry[], extra: Partial<PlanInput> = {}) =>
  planRecord({
    days,
    entries: new Map(entries.map((e) => [e.date, e])),
    restatements: [],
    generatedAt: NOW,
    acceptChanges: false,
    allowMissingHistory: false,
    ...extra,
  });

const restatement = (date: string, oldCost: string, newCost: string, at = "2026-07-19T10:00:00.000Z"): Restatement => ({
  date,
  restated_at: at,
  old: { rows: 10, cost_usd: oldCost, list_cost_usd: "9.000000000" },
  new: { rows: 10, cost_usd: newCost, list_cost_usd: "9.000000000" },
  old_pricing_version: "sha256:aaaa",
  new_pricing_version: "sha256:bbbb",
  pricing_commit: "c0ffee".padEnd(40, "0"),
});

describe("planRecord", () => {
  it("adds a day the ledger does not have, first and last recorded at the manifest's time", () => {
    const result = plan([day("2026-07-19", "5.000000000")], []);
    expect(result.problems).toEqual([]);
    expect(result.changes.map((c) => [c.kind, c.entry.date])).toEqual([["added", "2026-07-19"]]);
    expect(result.changes[0]!.entry).toMatchObject({
      cost_usd: "5.000000000",
      rollup_sha256: SHA("1"),
      first_recorded_at: NOW,
      recorded_at: NOW,
      restatements: [],
    });
    expect(result.changes[0]!.rollup?.toString()).toBe("rollup 2026-07-19 5.000000000");
  });

  it("leaves a day with the same rollup alone, and updates one whose rollup changed but whose totals did not", () => {
    const result = plan(
      [day("2026-07-01", "5.000000000"), day("2026-07-02", "6.000000000", { sha: SHA("2"), pricing: "sha256:bbbb" })],
      [entry("2026-07-01", "5.000000000"), entry("2026-07-02", "6.000000000")],
    );
    expect(result.unchanged).toBe(1);
    expect(result.changes.map((c) => [c.kind, c.entry.date])).toEqual([["changed", "2026-07-02"]]);
    expect(result.changes[0]!.entry).toMatchObject({
      pricing_version: "sha256:bbbb",
      rollup_sha256: SHA("2"),
      first_recorded_at: "2026-07-01T02:30:00.000Z",
      recorded_at: NOW,
    });
  });

  it("refuses a recorded day whose totals changed without a restatement, naming the day and old → new", () => {
    const result = plan([day("2026-07-01", "5.500000000", { rows: 12 })], [entry("2026-07-01", "5.000000000")]);
    expect(result.changes).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.message).toBe(
      "the totals of 1 day the ledger recorded changed, without a restatement: 2026-07-01 (cost_usd 5.000000000 → 5.500000000, rows 10 → 12)",
    );
    expect(result.problems[0]!.hint).toContain("--accept-changes");
  });

  it("records a restatement from restatements.json: old is what the ledger had, new the day's totals, with the pricing commit", () => {
    const previous = entry("2026-07-01", "5.000000000");
    const result = plan([day("2026-07-01", "4.000000000", { sha: SHA("3"), pricing: "sha256:bbbb" })], [previous], {
      // An earlier restatement of another day, and one of this day to other totals, do not apply.
      restatements: [
        restatement("2026-06-30", "1.000000000", "2.000000000"),
        restatement("2026-07-01", "5.000000000", "4.500000000"),
        restatement("2026-07-01", "5.000000000", "4.000000000"),
      ],
    });
    expect(result.problems).toEqual([]);
    expect(result.changes.map((c) => c.kind)).toEqual(["restated"]);
    expect(result.changes[0]!.entry.restatements).toEqual([
      {
        restated_at: "2026-07-19T10:00:00.000Z",
        reason: "restate",
        old: { rows: 10, cost_usd: "5.000000000", list_cost_usd: "9.000000000", unpriced_requests: 1 },
        new: { rows: 10, cost_usd: "4.000000000", list_cost_usd: "9.000000000", unpriced_requests: 1 },
        old_pricing_version: "sha256:aaaa",
        new_pricing_version: "sha256:bbbb",
        pricing_commit: "c0ffee".padEnd(40, "0"),
      },
    ]);
    expect(result.changes[0]!.entry).toMatchObject({ cost_usd: "4.000000000", first_recorded_at: "2026-07-01T02:30:00.000Z" });
  });

  it("does not take a restatement the ledger already holds for a second change", () => {
    const held = restatement("2026-07-01", "5.000000000", "4.000000000");
    const previous = entry("2026-07-01", "5.000000000", {
      restatements: [
        { ...held, reason: "restate", old: { ...held.old, unpriced_requests: 1 }, new: { ...held.new, unpriced_requests: 1 } },
      ],
    });
    const result = plan([day("2026-07-01", "4.000000000")], [previous], { restatements: [held] });
    expect(result.changes).toEqual([]);
    expect(result.problems[0]!.message).toContain("2026-07-01 (cost_usd 5.000000000 → 4.000000000)");
  });

  it("with acceptChanges records the change as a restatement with reason re-run", () => {
    const result = plan([day("2026-07-01", "5.500000000")], [entry("2026-07-01", "5.000000000")], { acceptChanges: true });
    expect(result.problems).toEqual([]);
    expect(result.changes[0]!.entry.restatements).toEqual([
      expect.objectContaining({
        reason: "re-run",
        restated_at: NOW,
        pricing_commit: null,
        old: expect.objectContaining({ cost_usd: "5.000000000" }),
        new: expect.objectContaining({ cost_usd: "5.500000000" }),
      }),
    ]);
  });

  it("refuses when the data lacks recorded days, with their ranges and cost; allowMissingHistory marks them dropped", () => {
    const entries = [
      entry("2026-07-01", "1.250000000"),
      entry("2026-07-02", "2.000000000"),
      entry("2026-07-04", "0.000000001"),
      entry("2026-07-05", "3.000000000"),
    ];
    const refused = plan([day("2026-07-05", "3.000000000")], entries);
    expect(refused.changes).toEqual([]);
    expect(refused.problems[0]!.message).toBe(
      "the data lacks 3 days the ledger recorded as published: 2026-07-01..2026-07-02, 2026-07-04 (3.250000001 USD)",
    );
    const allowed = plan([day("2026-07-05", "3.000000000")], entries, { allowMissingHistory: true });
    expect(allowed.problems).toEqual([]);
    expect(allowed.changes.map((c) => [c.kind, c.entry.date, c.entry.dropped_at, c.rollup])).toEqual([
      ["dropped", "2026-07-01", NOW, undefined],
      ["dropped", "2026-07-02", NOW, undefined],
      ["dropped", "2026-07-04", NOW, undefined],
    ]);
    // Once dropped, a day is not refused again, and comes back (unmarked) when the data holds it.
    const dropped = entries.map((e) => (e.date === "2026-07-05" ? e : { ...e, dropped_at: NOW }));
    expect(plan([day("2026-07-05", "3.000000000")], dropped)).toMatchObject({ changes: [], problems: [], unchanged: 1 });
    const back = plan([day("2026-07-01", "1.250000000"), day("2026-07-05", "3.000000000")], dropped);
    expect(back.changes.map((c) => [c.kind, c.entry.date, c.entry.dropped_at])).toEqual([["changed", "2026-07-01", undefined]]);
  });
});
