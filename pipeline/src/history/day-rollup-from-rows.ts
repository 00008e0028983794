/**
 * A day rollup built from the day's priced rows read back from its partition: for a kept
 * day whose rollup is missing or lacks a grain the current policies need, and the
 * reference the run's own rollups are tested against (the same grains, totals and lists).
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { DayExtrasBuilder, type IssueExample, type RowsView } from "../engine/day-extras.ts";
import { FocusPieceCollector, PIECE_COLUMNS, pieceReaderOfRows, type FocusPiecesJson } from "../engine/collect-focus-pieces.ts";
import type { PricingBook } from "../pricing/load-pricing.ts";
import { Rollup } from "../engine/rollup.ts";
import { readPartitionColumns } from "../dataset/read-partitions.ts";
import { sha256File } from "../lib/hash.ts";
import { requestsOf, ROLLUP_COUNTS, ROLLUP_DIMENSIONS, TOKEN_COLUMNS, type Grain } from "../schemas/fields.ts";
import type { DayRollup } from "./day-rollup.ts";
import { toDayRollup } from "./to-day-rollup.ts";

/** Columns a day rollup needs from priced rows. */
export const DAY_ROLLUP_COLUMNS = [
  "date",
  "request_id",
  "timestamp",
  ...ROLLUP_DIMENSIONS,
  "metadata",
  ...TOKEN_COLUMNS,
  "calls",
  "cost_usd",
  "list_cost_usd",
  "reported_cost_usd",
];

/**
 * `focus`: the pricing and FOCUS dimensions to add the day's FOCUS pieces with (a run's
 * rebuild); without it the rollup has none (the site, which reads no pricing).
 */
export async function dayRollupFromRows(
  out: string,
  day: string,
  grains: readonly Grain[],
  pricingVersion?: string,
  focus?: { book: PricingBook; pricingVersion: string; dimensions: readonly string[] },
): Promise<DayRollup> {
  const columns = [...new Set([...DAY_ROLLUP_COLUMNS, "pricing_version", ...(focus ? PIECE_COLUMNS : [])])];
  const rows = await readPartitionColumns(out, [day], columns);
  const dir = path.join(out, "priced", `date=${day}`);
  const files = (await readdir(dir)).filter((f) => f.endsWith(".parquet")).sort();
  const pricedFiles = await Promise.all(
    files.map(async (f) => {
      const file = path.join(dir, f);
      return { path: `priced/date=${day}/${f}`, rows: 0, bytes: (await stat(file)).size, sha256: await sha256File(file) };
    }),
  );
  if (pricedFiles.length === 1) pricedFiles[0]!.rows = rows.date!.length;
  const version = pricingVersion ?? (rows.pricing_version?.[0] as string | undefined) ?? "";
  const pieces = focus && new FocusPieceCollector(focus.book, focus.pricingVersion, focus.dimensions);
  return dayRollupOfColumns(day, rows, grains, pricedFiles, version, pieces);
}

/** The rollup of one day's rows given as columns (priced column names). */
export function dayRollupOfColumns(
  day: string,
  rows: Record<string, unknown[]>,
  grains: readonly Grain[],
  pricedFiles: DayRollup["priced_files"],
  pricingVersion: string,
  focus?: FocusPieceCollector,
): DayRollup {
  const n = rows.date!.length;
  const metadata = (rows.metadata as Array<string | null>).map((m) => (m ? (JSON.parse(m) as Record<string, string>) : {}));
  const built = grains.map((grain) => ({ grain, rollup: new Rollup(grain.dimensions) }));
  const pickers = built.map(({ grain }) => grain.dimensions.map((d) => pickerOf(rows, metadata, d)));
  // In ROLLUP_COUNTS order: requests (an aggregate row counts as its calls), tokens, unpriced requests, rows.
  const counts = new Float64Array(ROLLUP_COUNTS.length);
  const money: bigint[] = [0n, 0n, 0n];
  for (let i = 0; i < n; i++) {
    const cost = (rows.cost_usd![i] as bigint | null) ?? null;
    const list = (rows.list_cost_usd![i] as bigint | null) ?? null;
    const requests = requestsOf(rows.calls![i] as number | bigint | null | undefined);
    counts[0] = requests;
    TOKEN_COLUMNS.forEach((t, m) => (counts[1 + m] = Number(rows[t]![i] ?? 0)));
    counts[1 + TOKEN_COLUMNS.length] = cost === null ? requests : 0;
    counts[2 + TOKEN_COLUMNS.length] = 1;
    money[0] = cost ?? 0n;
    money[1] = list ?? 0n;
    money[2] = list ?? cost ?? 0n;
    built.forEach(({ rollup }, b) =>
      rollup.add(
        pickers[b]!.map((pick) => pick(i)),
        counts,
        0,
        money,
        0,
      ),
    );
  }
  const extras = new DayExtrasBuilder();
  extras.add(day, rowsView(rows));
  let pieces: FocusPiecesJson | undefined;
  if (focus) {
    // Each row's FOCUS values, interned: the collector groups by their index.
    const pick = focus.dimensions.map((d) => pickerOf(rows, metadata, d));
    const groups = new Map<string, number>();
    const valuesOfGroup: Array<Array<string | null>> = [];
    const groupOf = (i: number) => {
      const values = pick.map((p) => p(i));
      const key = JSON.stringify(values);
      let group = groups.get(key);
      if (group === undefined) {
        groups.set(key, (group = valuesOfGroup.length));
        valuesOfGroup.push(values);
      }
      return group;
    };
    focus.add(day, pieceReaderOfRows(rows), n, groupOf, (g) => valuesOfGroup[g]!);
    pieces = focus.finish(day);
  }
  return toDayRollup(day, built, extras.finish(day), pricedFiles, pricingVersion, pieces);
}

/** A dimension's value of each row: a column, the month of the date, or a metadata key. */
function pickerOf(rows: Record<string, unknown[]>, metadata: Array<Record<string, string>>, d: string): (i: number) => string | null {
  if (d === "month") return (i) => (rows.date![i] as string).slice(0, 7);
  if (d.startsWith("metadata.")) {
    const key = d.slice("metadata.".length);
    return (i) => (Object.hasOwn(metadata[i]!, key) ? metadata[i]![key]! : null);
  }
  const column = rows[d];
  if (!column) throw new Error(`day rollup: no column ${d}`);
  return (i) => (column[i] as string | null | undefined) ?? null;
}

/** Priced rows read back from Parquet, read row by row for the day's extras. */
function rowsView(rows: Record<string, unknown[]>): RowsView {
  const text = (name: string) => (i: number) => (rows[name]![i] as string | null | undefined) ?? null;
  const money = (name: string) => (i: number) => (rows[name]![i] as bigint | null | undefined) ?? null;
  const timestamp = (i: number) => Number(rows.timestamp![i]);
  return {
    rows: rows.date!.length,
    reported: money("reported_cost_usd"),
    cost: money("cost_usd"),
    requests: (i) => requestsOf(rows.calls![i] as number | bigint | null | undefined),
    model: (i) => text("model")(i)!,
    hasIssue: (i) => rows.price_source![i] === "unpriced" || (text("policy_violations")(i) ?? "[]") !== "[]",
    requestId: (i) => rows.request_id![i] as string,
    timestamp,
    example: (i): IssueExample => ({
      request_id: rows.request_id![i] as string,
      timestamp: new Date(timestamp(i)).toISOString(),
      model: text("model")(i)!,
      user: text("user")(i),
      team: text("team")(i)!,
      price_source: text("price_source")(i)!,
      unpriced_reason: text("unpriced_reason")(i),
      policy_status: text("policy_status")(i)!,
      policy_violations: JSON.parse(text("policy_violations")(i) ?? "[]") as string[],
    }),
  };
}
