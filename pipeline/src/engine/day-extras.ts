/**
 * What the site needs of a day beyond its rollups, kept small while the rows go by: the
 * last 50 calls with an issue (unpriced, or a policy violation), the 50 calls whose
 * computed cost differs most from the gateway's reported cost, and reported against
 * computed cost per model. Fed segment by segment in input order by `costs run`
 * (engine/accumulate-chunks.ts, from the segment's columns) and by the rows of a day's
 * partition read back (history/day-rollup-from-rows.ts): both give the same lists.
 */
import { formatNano } from "../pricing/money.ts";

/** Calls listed per day (and on the site). */
export const LISTED_CALLS = 50;

export interface IssueExample {
  request_id: string;
  timestamp: string;
  model: string;
  user: string | null;
  team: string;
  price_source: string;
  unpriced_reason: string | null;
  policy_status: string;
  policy_violations: string[];
}

export interface Difference {
  /** The row's position in its day (input order), for ties. */
  order: number;
  request_id: string;
  timestamp: string;
  model: string;
  reported_usd: string;
  computed_usd: string | null;
  /** |computed − reported| (reported when unpriced), nano-USD integer text. */
  difference_nano: string;
}

export interface ModelReconciliation {
  model: string;
  requests: number;
  reported_nano: string;
  computed_nano: string;
  /** Of `requests`, the unpriced ones (no computed cost) and their reported cost; absent in day rollups written before they were counted. */
  unpriced_requests?: number;
  unpriced_reported_nano?: string;
}

export interface DayExtras {
  /** The day's last calls with an issue, in input order (the site lists them newest first). */
  examples: IssueExample[];
  /** The largest differences, largest first, ties in input order. */
  differences: Difference[];
  /** Calls with a reported cost, per model, sorted by model. */
  reconciliation: ModelReconciliation[];
}

/** A block of priced rows (a segment, or a partition read back), read by row index. */
export interface RowsView {
  rows: number;
  reported(r: number): bigint | null;
  cost(r: number): bigint | null;
  /** The requests the row counts as (requestsOf: an aggregate row's calls, else 1). */
  requests(r: number): number;
  model(r: number): string;
  hasIssue(r: number): boolean;
  example(r: number): IssueExample;
  requestId(r: number): string;
  timestamp(r: number): number;
}

interface DayState {
  rows: number;
  examples: IssueExample[];
  differences: Array<Difference & { diff: bigint }>;
  models: Map<string, { requests: number; reported: bigint; computed: bigint; unpriced: number; unpricedReported: bigint }>;
}

export class DayExtrasBuilder {
  private readonly days = new Map<string, DayState>();

  add(day: string, view: RowsView): void {
    let state = this.days.get(day);
    if (!state) this.days.set(day, (state = { rows: 0, examples: [], differences: [], models: new Map() }));
    // The block's last issues, then the day's last LISTED_CALLS of all.
    const found: IssueExample[] = [];
    for (let r = view.rows - 1; r >= 0 && found.length < LISTED_CALLS; r--) if (view.hasIssue(r)) found.push(view.example(r));
    if (found.length > 0) state.examples = [...state.examples, ...found.reverse()].slice(-LISTED_CALLS);
    const list = state.differences;
    for (let r = 0; r < view.rows; r++) {
      const reported = view.reported(r);
      if (reported === null) continue;
      const cost = view.cost(r);
      const model = view.model(r);
      const entry = state.models.get(model) ?? { requests: 0, reported: 0n, computed: 0n, unpriced: 0, unpricedReported: 0n };
      entry.requests += view.requests(r);
      entry.reported += reported;
      entry.computed += cost ?? 0n;
      if (cost === null) {
        entry.unpriced += view.requests(r);
        entry.unpricedReported += reported;
      }
      state.models.set(model, entry);
      const diff = cost === null ? reported : cost < reported ? reported - cost : cost - reported;
      // Ties keep the earlier row: a later one enters only when strictly larger than the last kept.
      if (list.length >= LISTED_CALLS && diff <= list.at(-1)!.diff) continue;
      let at = list.length;
      while (at > 0 && list[at - 1]!.diff < diff) at--;
      list.splice(at, 0, {
        order: state.rows + r,
        request_id: view.requestId(r),
        timestamp: new Date(view.timestamp(r)).toISOString(),
        model,
        reported_usd: formatNano(reported),
        computed_usd: cost === null ? null : formatNano(cost),
        difference_nano: diff.toString(),
        diff,
      });
      if (list.length > LISTED_CALLS) list.pop();
    }
    state.rows += view.rows;
  }

  /** The extras of a day (empty lists for a day without rows). */
  finish(day: string): DayExtras {
    const state = this.days.get(day);
    if (!state) return { examples: [], differences: [], reconciliation: [] };
    return {
      examples: state.examples,
      differences: state.differences.map(({ diff: _, ...rest }) => rest),
      reconciliation: [...state.models]
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([model, e]) => ({
          model,
          requests: e.requests,
          reported_nano: e.reported.toString(),
          computed_nano: e.computed.toString(),
          unpriced_requests: e.unpriced,
          unpriced_reported_nano: e.unpricedReported.toString(),
        })),
    };
  }
}
