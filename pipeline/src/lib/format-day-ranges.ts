const DAY_MS = 86_400_000;

/**
 * UTC days (`YYYY-MM-DD`) as compact ranges of consecutive days, sorted and without
 * repeats: `2026-06-01..2026-06-05, 2026-06-09`. At most `limit` ranges are written,
 * then `… and N more days`.
 */
export function formatDayRanges(days: Iterable<string>, limit = 20): string {
  const sorted = [...new Set(days)].sort();
  const ranges: Array<[string, string]> = [];
  for (const day of sorted) {
    const last = ranges.at(-1);
    if (last && Date.parse(`${day}T00:00:00Z`) - Date.parse(`${last[1]}T00:00:00Z`) === DAY_MS) last[1] = day;
    else ranges.push([day, day]);
  }
  const shown = ranges.slice(0, limit).map(([from, to]) => (from === to ? from : `${from}..${to}`));
  if (ranges.length > limit) {
    const rest = ranges.slice(limit).reduce((n, [from, to]) => n + (Date.parse(to) - Date.parse(from)) / DAY_MS + 1, 0);
    shown.push(`… and ${rest} more day${rest === 1 ? "" : "s"}`);
  }
  return shown.join(", ");
}
