import { PipelineError, type Problem } from "../lib/errors.ts";
import type { MergeCounts } from "../engine/accumulate-chunks.ts";
import type { Reject } from "../schemas/log-row.ts";
import type { DayBefore } from "./read-priced-days.ts";

/**
 * A restatement prices again rows that were priced: each must come out priced (or
 * unpriced) on its own day again, none rejected, dropped or moved. Checked before the
 * commit point, so a restatement that would lose a row changes nothing. (A row can only
 * become a reject if the new rules price it at 10^9 USD or more.)
 */
export function checkEveryRow(
  counts: MergeCounts,
  before: Map<string, DayBefore>,
  written: Array<{ day: string; rows: number }>,
  rejects: readonly Reject[],
): void {
  const problems: Problem[] = [];
  const read = [...before.values()].reduce((n, d) => n + d.rows, 0);
  if (counts.rows_read !== read) problems.push({ message: `${counts.rows_read} rows read, the partitions hold ${read}` });
  if (counts.rejected > 0) {
    problems.push({ message: `${counts.rejected} row${counts.rejected === 1 ? " is" : "s are"} rejected by the current rules` });
    for (const r of rejects) problems.push({ file: r.file, line: r.line, message: r.reason });
  }
  for (const [what, n] of [
    ["duplicates", counts.duplicates],
    ["virtual-model parents", counts.virtual_parents],
    ["outside the window", counts.out_of_window],
  ] as const) {
    if (n > 0) problems.push({ message: `${n} rows came out as ${what}` });
  }
  const rowsOf = new Map(written.map((d) => [d.day, d.rows]));
  for (const [day, old] of before) {
    const now = rowsOf.get(day) ?? 0;
    if (now !== old.rows) problems.push({ message: `${day}: ${old.rows} rows before, ${now} after` });
  }
  for (const { day } of written) if (!before.has(day)) problems.push({ message: `rows moved to ${day}, which was not restated` });
  if (problems.length === 0) return;
  throw new PipelineError([
    {
      message: "the restatement would not keep every row of the days it re-prices; nothing was restated",
      hint: "fix the pricing rule that rejects these rows (a row's cost must stay below 1,000,000,000 USD), then restate again",
    },
    ...problems,
  ]);
}
