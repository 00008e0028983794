/**
 * UTC calendar periods of budget limits (policies/README.md, "Budgets"): a day, an ISO week
 * starting on Monday, a month, a quarter starting in January, April, July or October.
 * Dates are `YYYY-MM-DD` text; arithmetic is on whole UTC days, never local time.
 */
import type { BudgetPeriod } from "../schemas/budgets.schema.ts";

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` date. */
export function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

/** The `YYYY-MM-DD` date of a day number. */
export function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `date` plus `days` (negative: minus). */
export function addDays(date: string, days: number): string {
  return dateOf(dayNumber(date) + days);
}

/** Whether `text` is a real calendar date written `YYYY-MM-DD` (2026-02-30 is not). */
export function isDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && dateOf(dayNumber(text)) === text;
}

/** A period: its first and last day, and how many days it has. */
export interface Period {
  start: string;
  end: string;
  days: number;
}

/** The period of kind `period` that holds `date`. */
export function periodOf(period: BudgetPeriod, date: string): Period {
  const start = periodStart(period, date);
  const next = periodStart(period, nextStartAfter(period, start));
  const end = addDays(next, -1);
  return { start, end, days: dayNumber(next) - dayNumber(start) };
}

/** The period just before `current`. */
export function previousPeriod(period: BudgetPeriod, current: Period): Period {
  return periodOf(period, addDays(current.start, -1));
}

function periodStart(period: BudgetPeriod, date: string): string {
  switch (period) {
    case "day":
      return date;
    case "week": {
      // getUTCDay: 0 Sunday … 6 Saturday; ISO weeks start on Monday.
      const weekday = new Date(dayNumber(date) * DAY_MS).getUTCDay();
      return addDays(date, -((weekday + 6) % 7));
    }
    case "month":
      return `${date.slice(0, 7)}-01`;
    case "quarter": {
      const month = Number(date.slice(5, 7));
      return `${date.slice(0, 4)}-${String(month - ((month - 1) % 3)).padStart(2, "0")}-01`;
    }
  }
}

/** A day inside the period after the one starting at `start`. */
function nextStartAfter(period: BudgetPeriod, start: string): string {
  switch (period) {
    case "day":
      return addDays(start, 1);
    case "week":
      return addDays(start, 7);
    case "month":
      return addDays(start, 31);
    case "quarter":
      return addDays(start, 92);
  }
}
