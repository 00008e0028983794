/**
 * The overview's notes on restated days (summary.json `restatements`, from the pipeline's
 * restatements.json): "restated on DATE: old → new" per day whose figures a backdated
 * price change re-priced. Rendered as text by Astro (escaped). No `node:` imports.
 */
import type { SiteSummary } from "../../../pipeline/src/schemas/site-data.schema.ts";
import { formatNano, formatUsd, formatUsdExact, parseNano } from "./format.ts";

export interface RestatedDayNote {
  /** The day restated. */
  date: string;
  /** The UTC day it was restated on. */
  restatedOn: string;
  /** Exact costs before and after, and the signed change (9-decimal text). */
  old: string;
  new: string;
  change: string;
  /** "restated on 2026-07-16: $4.36 → $4.34" (exact amounts when the rounded ones would look equal). */
  text: string;
}

/** One note per restatement, by day (a day restated twice has two, oldest first). */
export function restatementNotes(restatements: SiteSummary["restatements"]): RestatedDayNote[] {
  return [...restatements]
    .sort((a, b) => (a.date === b.date ? (a.restated_at < b.restated_at ? -1 : 1) : a.date < b.date ? -1 : 1))
    .map((r) => {
      const old = parseNano(r.old.cost_usd);
      const now = parseNano(r.new.cost_usd);
      const exact = formatUsd(old) === formatUsd(now);
      const show = exact ? formatUsdExact : formatUsd;
      const change = now - old;
      return {
        date: r.date,
        restatedOn: r.restated_at.slice(0, 10),
        old: r.old.cost_usd,
        new: r.new.cost_usd,
        change: `${change > 0n ? "+" : ""}${formatNano(change)}`,
        text: `restated on ${r.restated_at.slice(0, 10)}: ${show(old)} → ${show(now)}`,
      };
    });
}

/** The note of each restated day, several joined by "; ". */
export function notesByDay(notes: RestatedDayNote[]): Map<string, string> {
  const byDay = new Map<string, string>();
  for (const note of notes) byDay.set(note.date, byDay.has(note.date) ? `${byDay.get(note.date)}; ${note.text}` : note.text);
  return byDay;
}

/** The overview's daily totals (all calls) from summary.json's daily rows, with each day's note. */
export function dailyTotals(
  daily: Array<Omit<SiteSummary["daily"][number], "unpriced_requests"> & { unpriced_requests?: number }>,
  notes: Map<string, string>,
): Array<{ date: string; requests: number; cost_usd: string; unpriced_requests: number; note: string | null }> {
  const days = new Map<string, { requests: number; nano: bigint; unpriced: number }>();
  for (const d of daily) {
    const day = days.get(d.date) ?? days.set(d.date, { requests: 0, nano: 0n, unpriced: 0 }).get(d.date)!;
    day.requests += d.requests;
    day.nano += parseNano(d.cost_usd);
    day.unpriced += d.unpriced_requests ?? 0;
  }
  return [...days]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, { requests, nano, unpriced }]) => ({
      date,
      requests,
      cost_usd: formatNano(nano),
      unpriced_requests: unpriced,
      note: notes.get(date) ?? null,
    }));
}
