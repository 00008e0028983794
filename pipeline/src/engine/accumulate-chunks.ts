import type { Reject } from "../schemas/log-row.ts";
import type { ColumnData } from "../parquet/file-writer.ts";
import { OUT_OF_WINDOW, PRICE_REJECT, VIRTUAL_PARENT, type ChunkResult } from "./chunk-processor.ts";
import { keepRows, type DayFiles } from "./day-files.ts";
import { DedupeSet } from "./dedupe-set.ts";
import type { RejectsFile } from "./rejects-file.ts";
import { DayExtrasBuilder } from "./day-extras.ts";
import { subtractRow, type Rollups } from "./rollup.ts";
import type { FocusPieceCollector } from "./collect-focus-pieces.ts";
import { segmentView } from "./segment-view.ts";
import { PriceDependenceTally } from "./tally-price-dependence.ts";

/** Where every row read ends: rows_read = priced + unpriced + rejected + duplicates + virtual_parents + out_of_window. */
export interface Counts {
  rows_read: number;
  priced: number;
  unpriced: number;
  rejected: number;
  duplicates: number;
  virtual_parents: number;
  out_of_window: number;
}

/** Row outcomes counted while merging; priced and unpriced rows are counted from the rollup. */
export type MergeCounts = Omit<Counts, "priced" | "unpriced">;

/**
 * The main thread's side of a run: takes chunk results in input order, keeps the first
 * row of each request_id (SPEC 3: duplicates keep their first occurrence, wherever they
 * are), removes later ones from their segment and its partial rollup, counts every
 * outcome, merges the rollups and hands each segment to the day files.
 */
export class ChunkAccumulator {
  readonly counts: MergeCounts = { rows_read: 0, rejected: 0, duplicates: 0, virtual_parents: 0, out_of_window: 0 };
  /** Each day's lists of calls for the site (engine/day-extras.ts), from the rows kept. */
  readonly extras = new DayExtrasBuilder();
  /** Per input file: rows kept, and those whose price depends on each price field (the manifest's missing_price_columns). */
  readonly dependence = new PriceDependenceTally();
  /** Request ids seen so far; none when the run keeps every row (`costs restate`: its rows were deduplicated when first priced). */
  private readonly seen: DedupeSet | undefined;

  /**
   * `expectedRows` sizes the request-id table up front (no regrowth, whose old and new
   * tables would coexist). `dedupe: false` keeps every row: a restatement re-prices rows
   * that runs already kept, and two runs of different days may each have kept a row of
   * the same request_id.
   */
  constructor(
    readonly rollups: Rollups,
    private readonly files: DayFiles,
    private readonly rejects: RejectsFile,
    expectedRows = 0,
    dedupe = true,
    /** Each day's FOCUS pieces, from the rows kept, and the name of the run's rollup at the FOCUS grain (date first); none when no FOCUS export is written. */
    readonly focus?: { collector: FocusPieceCollector; rollup: string },
  ) {
    this.seen = dedupe ? new DedupeSet(Math.max(1 << 16, Math.ceil((expectedRows * 4) / 3))) : undefined;
  }

  accept(result: ChunkResult): void {
    const c = this.counts;
    c.rows_read += result.items;
    c.rejected += result.rejects.length;
    const priceRejects: Reject[] = [];
    const drops: Array<Uint8Array | undefined> = [];
    const { hashes, outcome, position } = result;
    for (let v = 0; v < result.valid; v++) {
      const kind = outcome[v]!;
      if (this.seen && !this.seen.add(hashes[v * 3]!, hashes[v * 3 + 1]!, hashes[v * 3 + 2]!)) {
        c.duplicates++;
        if (kind >= 0) (drops[kind] ??= new Uint8Array(result.segments[kind]!.rows))[position[v]!] = 1;
        continue;
      }
      if (kind === OUT_OF_WINDOW) c.out_of_window++;
      else if (kind === VIRTUAL_PARENT) c.virtual_parents++;
      else if (kind === PRICE_REJECT) {
        c.rejected++;
        priceRejects.push(result.priceRejects[position[v]!]!);
      }
    }
    this.rejects.append(byLine(result.rejects, priceRejects));
    result.segments.forEach((segment, s) => {
      let rows = segment.rows;
      let columns: ColumnData[] = segment.columns;
      const drop = drops[s];
      this.dependence.add(segment.columns, segment.rows, segment.depends, drop);
      if (drop) {
        for (let r = 0; r < segment.rows; r++) if (drop[r]) subtractRow(segment.rollup, segment.columns, r);
        ({ rows, columns } = keepRows(segment.columns, segment.rows, drop));
      }
      const focusGroups = this.rollups.merge(segment.day, segment.rollup, segment.columns, this.focus?.rollup);
      if (this.focus && focusGroups && rows > 0) {
        // Pieces are keyed by the FOCUS grain's group in the run's rollup (date first, then the piece dimensions).
        const grain = this.rollups.get(this.focus.rollup);
        const { groupOf } = segment.rollup;
        const groups = new Int32Array(segment.rows);
        for (let r = 0; r < segment.rows; r++) groups[r] = focusGroups[groupOf[r]!]!;
        const at = this.focus.collector.dimensions.map((d) => grain.dimensions.lastIndexOf(d));
        const valuesOf = (g: number) => {
          const values = grain.valuesOf(g);
          return at.map((i) => values[i] ?? null);
        };
        this.focus.collector.addSegment(segment.day, segment.columns, segment.rows, groups, valuesOf, drop);
      }
      if (rows > 0) {
        this.extras.add(segment.day, segmentView(columns, rows));
        this.files.write(segment.day, rows, columns);
      }
    });
  }

  /** An input-level problem that is not part of a chunk (an empty file, a truncated gzip). */
  acceptReject(reject: Reject): void {
    this.counts.rows_read++;
    this.counts.rejected++;
    this.rejects.append([reject]);
  }
}

/** Two lists of one chunk's rejects, each in line order, merged in line order. */
function byLine(a: Reject[], b: Reject[]): Reject[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const merged: Reject[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) merged.push(j >= b.length || (i < a.length && a[i]!.line <= b[j]!.line) ? a[i++]! : b[j++]!);
  return merged;
}
