import { formatDayRanges } from "../../lib/format-day-ranges.ts";
import type { Problem } from "../../lib/errors.ts";
import { formatNano, parseNano } from "../../pricing/money.ts";
import type { LedgerEntry, LedgerRestatement, LedgerTotals } from "../../schemas/ledger-entry.schema.ts";
import type { Restatement } from "../../schemas/restatement.schema.ts";
import type { RollupTotals } from "../../schemas/rollup-totals.schema.ts";

/** A day of the data being recorded: its rollup's figures, bytes and sha256. */
export interface PublishedDay {
  date: string;
  rollup: RollupTotals;
  bytes: Buffer;
  sha256: string;
}

export type DayChangeKind = "added" | "changed" | "restated" | "dropped";

export interface DayChange {
  kind: DayChangeKind;
  entry: LedgerEntry;
  /** The rollup to store beside the entry (none for a dropped day: the ledger keeps the one it has). */
  rollup?: Buffer;
}

export interface RecordPlan {
  changes: DayChange[];
  unchanged: number;
  /** Why nothing may be recorded; when not empty, no change is made. */
  problems: Problem[];
}

export interface PlanInput {
  days: PublishedDay[];
  /** The ledger's entries, by day. */
  entries: Map<string, LedgerEntry>;
  /** `<data>/restatements.json` (empty when absent). */
  restatements: Restatement[];
  /** The manifest's `generated_at`: the time every change is recorded at. */
  generatedAt: string;
  /** Record a recorded day's changed totals without a restatement, as a restatement with reason `re-run`. */
  acceptChanges: boolean;
  /** Mark days the ledger recorded that the data lacks as dropped, instead of refusing. */
  allowMissingHistory: boolean;
}

/** Details of refused days shown in a message, at most. */
const SHOWN = 5;

/**
 * What `costs ledger record` changes, day by day. A day the ledger does not have is added; a
 * day whose rollup changed but whose totals (rows, cost, list cost, unpriced requests) did
 * not is updated; a day whose totals changed is restated when `<data>/restatements.json`
 * has its re-pricing (its last entry for the day whose new totals are the day's), or with
 * `acceptChanges` (reason `re-run`), and refused otherwise. A recorded day the data lacks is
 * refused, or marked dropped with `allowMissingHistory`. Pure: no git, no files.
 */
export function planRecord(input: PlanInput): RecordPlan {
  const changes: DayChange[] = [];
  const problems: Problem[] = [];
  const refused: string[] = [];
  let unchanged = 0;
  const present = new Set<string>();
  for (const day of input.days) {
    present.add(day.date);
    const previous = input.entries.get(day.date);
    if (!previous) {
      changes.push({ kind: "added", entry: toEntry(day, undefined, input.generatedAt), rollup: day.bytes });
      continue;
    }
    const totals = totalsOf(day.rollup);
    if (sameTotals(previous, totals)) {
      if (previous.rollup_sha256 === day.sha256 && previous.dropped_at === undefined) unchanged++;
      else changes.push({ kind: "changed", entry: toEntry(day, previous, input.generatedAt), rollup: day.bytes });
      continue;
    }
    const restatement = findRestatement(input, day, previous) ?? (input.acceptChanges ? reRun(input, day, previous) : undefined);
    if (!restatement) {
      refused.push(`${day.date} (${describeChange(previous, totals)})`);
      continue;
    }
    changes.push({ kind: "restated", entry: toEntry(day, previous, input.generatedAt, restatement), rollup: day.bytes });
  }
  if (refused.length > 0) {
    problems.push({
      message: `the totals of ${count(refused.length, "day")} the ledger recorded changed, without a restatement: ${refused.slice(0, SHOWN).join(", ")}${refused.length > SHOWN ? `, … and ${refused.length - SHOWN} more` : ""}`,
      hint: "a published day changes only through `costs restate` (it writes restatements.json, recorded as old → new); if the change is intended (late logs, a corrected re-run), run again with --accept-changes and the ledger records it as a restatement with reason re-run",
    });
  }

  const missing = [...input.entries.values()].filter((e) => !present.has(e.date) && e.dropped_at === undefined);
  if (missing.length > 0 && input.allowMissingHistory) {
    for (const entry of missing) changes.push({ kind: "dropped", entry: { ...entry, dropped_at: input.generatedAt } });
  } else if (missing.length > 0) {
    const cost = formatNano(missing.reduce((sum, e) => sum + parseNano(e.cost_usd), 0n));
    problems.push({
      message: `the data lacks ${count(missing.length, "day")} the ledger recorded as published: ${formatDayRanges(missing.map((e) => e.date))} (${cost} USD)`,
      hint: "restore that history first (`costs ledger verify` says how, `costs ledger restore` brings back their rollups); to publish without them, run again with --allow-missing-history and the ledger marks them dropped",
    });
  }
  changes.sort((a, b) => a.entry.date.localeCompare(b.entry.date));
  return { changes, unchanged, problems };
}

function toEntry(day: PublishedDay, previous: LedgerEntry | undefined, generatedAt: string, restatement?: LedgerRestatement): LedgerEntry {
  return {
    ledger_version: 1,
    date: day.date,
    ...totalsOf(day.rollup),
    pricing_version: day.rollup.pricing_version,
    priced_files: [...day.rollup.priced_files].sort((a, b) => a.path.localeCompare(b.path)),
    rollup_sha256: day.sha256,
    first_recorded_at: previous?.first_recorded_at ?? generatedAt,
    recorded_at: generatedAt,
    restatements: [...(previous?.restatements ?? []), ...(restatement ? [restatement] : [])],
  };
}

/** The last entry of restatements.json for the day whose new totals are the day's, not yet in the ledger. */
function findRestatement(input: PlanInput, day: PublishedDay, previous: LedgerEntry): LedgerRestatement | undefined {
  const recorded = new Set(previous.restatements.map((r) => r.restated_at));
  const found = input.restatements.findLast(
    (r) =>
      r.date === day.date &&
      !recorded.has(r.restated_at) &&
      r.new.rows === day.rollup.rows &&
      r.new.cost_usd === day.rollup.cost_usd &&
      r.new.list_cost_usd === day.rollup.list_cost_usd,
  );
  if (!found) return undefined;
  return {
    restated_at: found.restated_at,
    reason: "restate",
    // Old is what the ledger recorded: what was reported before.
    old: totalsOf(previous),
    new: totalsOf(day.rollup),
    old_pricing_version: previous.pricing_version,
    new_pricing_version: day.rollup.pricing_version,
    pricing_commit: found.pricing_commit,
  };
}

function reRun(input: PlanInput, day: PublishedDay, previous: LedgerEntry): LedgerRestatement {
  return {
    restated_at: input.generatedAt,
    reason: "re-run",
    old: totalsOf(previous),
    new: totalsOf(day.rollup),
    old_pricing_version: previous.pricing_version,
    new_pricing_version: day.rollup.pricing_version,
    pricing_commit: null,
  };
}

function totalsOf(t: LedgerTotals): LedgerTotals {
  return { rows: t.rows, cost_usd: t.cost_usd, list_cost_usd: t.list_cost_usd, unpriced_requests: t.unpriced_requests };
}

function sameTotals(a: LedgerTotals, b: LedgerTotals): boolean {
  return (
    a.rows === b.rows && a.cost_usd === b.cost_usd && a.list_cost_usd === b.list_cost_usd && a.unpriced_requests === b.unpriced_requests
  );
}

/** `cost_usd 1.000000000 → 1.200000000, rows 10 → 12`: the totals that differ. */
function describeChange(old: LedgerTotals, now: LedgerTotals): string {
  return (["cost_usd", "list_cost_usd", "rows", "unpriced_requests"] as const)
    .filter((k) => old[k] !== now[k])
    .map((k) => `${k} ${old[k]} → ${now[k]}`)
    .join(", ");
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
