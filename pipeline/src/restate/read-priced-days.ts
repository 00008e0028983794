import { readdir } from "node:fs/promises";
import path from "node:path";
import { displayPath, PipelineError } from "../lib/errors.ts";
import type { ChunkAccumulator } from "../engine/accumulate-chunks.ts";
import type { ChunkProcessor } from "../engine/chunk-processor.ts";
import { openParquetRowGroups } from "../parquet/read-parquet.ts";
import type { FileStats } from "../stages/ingest/index.ts";
import { fromPricedRow, OPTIONAL_RESTATE_COLUMNS, RESTATE_COLUMNS, type RestateColumns } from "./from-priced-row.ts";

/** A day's totals before it is priced again: what its priced rows held. */
export interface DayBefore {
  rows: number;
  /** Sums of the rows' cost_usd and list_cost_usd (nulls, i.e. unpriced or no list price, count 0), nano-USD. */
  cost: bigint;
  list: bigint;
  /** The rows' pricing_version values. */
  pricingVersions: Set<string>;
}

export interface PricedDaysRead {
  /** The partition files read, in order (absolute): the run's inputs in the manifest. */
  files: string[];
  fileStats: FileStats[];
  before: Map<string, DayBefore>;
}

export interface ReadPricedDaysOptions {
  processor: ChunkProcessor;
  accumulator: ChunkAccumulator;
  cwd: string;
  onProgress?: (rowsRead: number) => void;
}

/**
 * `costs restate`'s input: the rows of `days` read back from their priced partitions in
 * `out` (`priced/date=D/*.parquet`, which hold every input field) and handed to the
 * processor as log rows with their original lineage (from-priced-row.ts), one row group
 * at a time, so each rewritten file has the row groups of the old one. Sums each day's
 * old totals on the way. Runs under the output folder's lock, before anything is replaced.
 */
export async function readPricedDays(out: string, days: string[], options: ReadPricedDaysOptions): Promise<PricedDaysRead> {
  const { processor, accumulator } = options;
  const files: string[] = [];
  const fileStats: FileStats[] = [];
  const before = new Map<string, DayBefore>();
  for (const day of days) {
    const dir = path.join(out, "priced", `date=${day}`);
    const totals: DayBefore = { rows: 0, cost: 0n, list: 0n, pricingVersions: new Set() };
    before.set(day, totals);
    for (const name of (await readdir(dir)).filter((f) => f.endsWith(".parquet")).sort()) {
      const file = path.join(dir, name);
      const shown = displayPath(file, options.cwd);
      const parquet = await openParquetRowGroups(file);
      const missing = RESTATE_COLUMNS.filter((c) => !parquet.columns.includes(c) && !OPTIONAL_RESTATE_COLUMNS.has(c));
      if (missing.length > 0) {
        throw new PipelineError({
          file: shown,
          message: `is not a priced partition this costs can restate: no column ${missing.join(", ")}; nothing was restated`,
          hint: "price the day again from its logs with `costs run --since D --until D`",
        });
      }
      let rows = 0;
      for await (const group of parquet.rowGroups(RESTATE_COLUMNS.filter((c) => parquet.columns.includes(c)))) {
        const columns = group.columns as RestateColumns;
        for (let i = 0; i < group.rowCount; i++) {
          let priced;
          try {
            priced = fromPricedRow(columns, i);
          } catch (error) {
            throw new PipelineError({
              file: shown,
              line: group.rowStart + i + 1,
              message: `this priced row cannot be read back: ${(error as Error).message}; nothing was restated`,
              hint: "the partition was changed by something other than `costs run`: price the day again from its logs with `costs run --since D --until D`",
            });
          }
          processor.addRestatedRow(priced.row, priced.file, priced.line, priced.overrides);
          const cost = columns.cost_usd[i];
          const list = columns.list_cost_usd[i];
          if (typeof cost === "bigint") totals.cost += cost;
          if (typeof list === "bigint") totals.list += list;
          totals.pricingVersions.add(String(columns.pricing_version[i]));
        }
        rows += group.rowCount;
        // One result per row group: the day's new file gets the same row groups.
        accumulator.accept(processor.take());
        options.onProgress?.(accumulator.counts.rows_read);
      }
      totals.rows += rows;
      files.push(file);
      fileStats.push({ file: shown, format: "parquet", gzip: false, preset: "priced", rows, rejects: 0, ignored_columns: [] });
    }
  }
  return { files, fileStats, before };
}
