/**
 * The filter form's date presets, relative to the data's last day (not today: a report
 * built from last month's logs still has a "last 7 days"). Each range is clipped to the
 * data's period; a preset the data does not reach at all is left out (null).
 */
export interface DatePreset {
  id: "7d" | "30d" | "mtd" | "last-month";
  label: string;
  from: string;
  to: string;
}

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

/** The presets for data from `first` to `last` (YYYY-MM-DD, inclusive). */
export function datePresets(first: string, last: string): (DatePreset | null)[] {
  const end = day(last);
  const monthStart = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), 1));
  const previousStart = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 1, 1));
  const ranges: [DatePreset["id"], string, Date, Date][] = [
    ["7d", "Last 7 days", addDays(end, -6), end],
    ["30d", "Last 30 days", addDays(end, -29), end],
    ["mtd", "Month to date", monthStart, end],
    ["last-month", "Last month", previousStart, addDays(monthStart, -1)],
  ];
  return ranges.map(([id, label, from, to]) => {
    const clippedFrom = iso(from) < first ? first : iso(from);
    const clippedTo = iso(to) > last ? last : iso(to);
    return clippedFrom > clippedTo ? null : { id, label, from: clippedFrom, to: clippedTo };
  });
}
