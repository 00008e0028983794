import type { ColumnData } from "../parquet/file-writer.ts";
import { requestsOf } from "../schemas/fields.ts";
import type { IssueExample, RowsView } from "./day-extras.ts";
import { COLUMN } from "./segment-builder.ts";

const utf8 = new TextDecoder();

/** A merged segment's columns (after duplicates left it) read row by row for the day's extras. */
export function segmentView(columns: ColumnData[], rows: number): RowsView {
  const dict = (name: keyof typeof COLUMN) => {
    const c = columns[COLUMN[name]] as { codes: Int32Array; dictionary: string[] };
    return (r: number): string | null => (c.codes[r]! < 0 ? null : c.dictionary[c.codes[r]!]!);
  };
  const money = (name: keyof typeof COLUMN) => {
    const c = columns[COLUMN[name]] as { values: BigInt64Array; nulls?: Uint8Array };
    return (r: number): bigint | null => (c.nulls?.[r] ? null : c.values[r]!);
  };
  const ids = columns[COLUMN.request_id] as { data: Uint8Array; offsets: Int32Array };
  const times = columns[COLUMN.timestamp] as { values: Float64Array };
  const calls = columns[COLUMN.calls] as { values: Float64Array; nulls: Uint8Array };
  const priceSource = dict("price_source");
  const violations = dict("policy_violations");
  const model = dict("model");
  const user = dict("user");
  const team = dict("team");
  const reason = dict("unpriced_reason");
  const status = dict("policy_status");
  const requestId = (r: number) => utf8.decode(ids.data.subarray(ids.offsets[r]! + 4, ids.offsets[r + 1]!));
  return {
    rows,
    reported: money("reported_cost_usd"),
    cost: money("cost_usd"),
    requests: (r) => requestsOf(calls.nulls[r] ? null : calls.values[r]!),
    model: (r) => model(r)!,
    hasIssue: (r) => priceSource(r) === "unpriced" || (violations(r) ?? "[]") !== "[]",
    requestId,
    timestamp: (r) => times.values[r]!,
    example: (r): IssueExample => ({
      request_id: requestId(r),
      timestamp: new Date(times.values[r]!).toISOString(),
      model: model(r)!,
      user: user(r),
      team: team(r)!,
      price_source: priceSource(r)!,
      unpriced_reason: reason(r),
      policy_status: status(r)!,
      policy_violations: JSON.parse(violations(r) ?? "[]") as string[],
    }),
  };
}
