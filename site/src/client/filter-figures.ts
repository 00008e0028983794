/**
 * The figures of a page outside its KPIs, tables and charts that a filter changes too:
 * the header period, the lead text (`[data-filter-text]`), the unpriced banner and the
 * "distinct values" count; and the figures it cannot change (`[data-unfiltered]`: the
 * daily totals, restatements, missing columns, gateway cache), which are marked
 * "(whole period, not filtered)" while a filter is active. `saveFigures` keeps the
 * build's text so that clearing the filter puts it back.
 */
import { formatInt } from "../lib/format.ts";
import type { KpiValue } from "../lib/kpis.ts";
import { METHOD } from "../lib/paths.ts";

const MARK = "(whole period, not filtered)";

export interface FilteredFigures {
  /** The filter's window (the data's period when no date is chosen). */
  from: string;
  to: string;
  /** " for team = payments; user = ann", or "" for a date filter only. */
  scope: string;
  unpriced: number;
}

interface Saved {
  texts: { el: HTMLElement; text: string; hidden: boolean }[];
}

export function saveFigures(): Saved {
  const texts = [...document.querySelectorAll<HTMLElement>("[data-filter-text]")].map((el) => ({
    el,
    text: el.textContent ?? "",
    hidden: el.hidden,
  }));
  return { texts };
}

export function restoreFigures(saved: Saved): void {
  for (const { el, text, hidden } of saved.texts) {
    el.textContent = text;
    el.hidden = hidden;
  }
  for (const el of document.querySelectorAll<HTMLElement>("[data-filter-hide]")) el.hidden = false;
  for (const mark of document.querySelectorAll(".unfiltered-mark")) mark.remove();
}

/** Days from `from` to `to`, inclusive. */
const days = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

export function showFigures(f: FilteredFigures): void {
  const n = days(f.from, f.to);
  const texts: Record<string, string> = {
    period: `${f.from} – ${f.to}${f.scope ? " (filtered)" : ""}`,
    from: f.from,
    to: f.to,
    days: `${formatInt(n)} ${n === 1 ? "day" : "days"}`,
    scope: f.scope,
    unpriced: `${formatInt(f.unpriced)} ${f.unpriced === 1 ? "request" : "requests"} of the filtered calls could not be priced`,
  };
  for (const el of document.querySelectorAll<HTMLElement>("[data-filter-text]")) {
    const text = texts[el.dataset.filterText!];
    if (text !== undefined) el.textContent = text;
  }
  // A banner about unpriced calls goes when the filtered calls have none.
  for (const el of document.querySelectorAll<HTMLElement>("[data-filter-hide=unpriced]")) el.hidden = f.unpriced === 0;
  for (const el of document.querySelectorAll<HTMLElement>("[data-unfiltered]")) {
    if (el.querySelector(":scope > .unfiltered-mark")) continue;
    const mark = document.createElement("span");
    mark.className = "unfiltered-mark";
    mark.dataset.testid = "unfiltered-mark";
    mark.textContent = ` ${MARK}`;
    // The mark goes where it is read: in the first paragraph or the caption, else at the end.
    const target = el.querySelector<HTMLElement>(":scope > p, :scope caption") ?? el;
    target.append(mark);
  }
}

/** The "distinct values" KPI of a breakdown page, counted in the filtered cube. */
export function distinctKpi(count: number): KpiValue {
  return {
    testid: "values",
    label: "",
    value: String(count),
    display: formatInt(count),
    detail: "in the filtered view",
    anchor: METHOD.shares,
  };
}
