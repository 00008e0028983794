import { PipelineError } from "../lib/errors.ts";
import { listPartitions } from "../dataset/read-partitions.ts";

export interface RestateDays {
  /** Days from `since` to `until` with a priced partition: the ones restated. */
  days: string[];
  /** Days from `since` to `until` without one: skipped (nothing to re-price), named in the summary. */
  skipped: string[];
  /** The last day of the window: `until`, else the last day with a partition. */
  until: string;
}

const DAY_MS = 86_400_000;

/**
 * The days `costs restate --since --until` re-prices: those with a `priced/date=D`
 * partition in `out`. Without `until`, every kept day from `since` on. A window with no
 * partition at all is an error (there is nothing to restate, and a typo in a date should
 * not pass as a quiet success).
 */
export async function selectRestateDays(out: string, shown: string, since: string, until?: string): Promise<RestateDays> {
  const kept = await listPartitions(out);
  const last = until ?? kept.at(-1) ?? since;
  const days = kept.filter((d) => d >= since && d <= last);
  if (days.length === 0) {
    throw new PipelineError({
      file: `${shown}/priced`,
      message: `has no day from ${since} to ${until ?? "the last day"} to restate${kept.length > 0 ? ` (it holds ${kept[0]} … ${kept.at(-1)})` : " (it holds no day)"}; nothing was restated`,
      hint: "restate re-prices the days kept under priced/date=YYYY-MM-DD: restore the history first, or choose days it holds",
    });
  }
  const present = new Set(days);
  return { days, skipped: calendarDays(since, last).filter((d) => !present.has(d)), until: last };
}

/** Every UTC day from `from` to `to`, inclusive. */
export function calendarDays(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** Days as consecutive ranges: "2026-06-01 … 2026-06-03, 2026-06-07". */
export function formatDayRanges(days: string[]): string {
  const ranges: string[] = [];
  let start = 0;
  for (let i = 1; i <= days.length; i++) {
    const next = i < days.length && Date.parse(`${days[i]}T00:00:00Z`) - Date.parse(`${days[i - 1]}T00:00:00Z`) === DAY_MS;
    if (next) continue;
    ranges.push(i - 1 === start ? days[start]! : `${days[start]} … ${days[i - 1]}`);
    start = i;
  }
  return ranges.join(", ");
}
