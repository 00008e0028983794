import type { ColumnData } from "../parquet/file-writer.ts";
import { PRICE_FIELDS } from "../schemas/price-fields.ts";
import { COLUMN } from "./segment-builder.ts";

/** Request ids kept per file and price field, those of the lowest input lines. */
export const SAMPLE_IDS = 5;

/** What the rows kept from one input file (priced and unpriced, duplicates gone) add up to, per price field. */
export interface FileDependence {
  /** Rows of the file in the priced data. */
  rows: number;
  /** Per price field (PRICE_FIELDS order): rows whose price in force depends on it, their cost (nano-USD) and the first of them by line. */
  fields: Array<{ rows: number; cost: bigint; samples: Array<{ line: number; request_id: string }> }>;
}

const utf8 = new TextDecoder();

/**
 * Counts, per input file, the rows the run keeps and, for each price field, those whose
 * price depends on it (engine/chunk-processor.ts's per-row `depends` mask) with their cost
 * and the request ids of the lowest lines: the figures of the manifest's
 * `missing_price_columns` (stages/write/price-assumptions.ts). Fed on the main thread with
 * each merged segment and the rows dedupe dropped from it, so duplicates never count; the
 * lowest lines are kept whatever order chunks and days arrive in, so the result is the same
 * with any number of threads.
 */
export class PriceDependenceTally {
  private readonly files = new Map<string, FileDependence>();

  add(columns: ColumnData[], rows: number, depends: Uint16Array, drop: Uint8Array | undefined): void {
    const source = columns[COLUMN.source_file] as { codes: Int32Array; dictionary: string[] };
    const cost = columns[COLUMN.cost_usd] as { values: BigInt64Array; nulls: Uint8Array };
    const lines = columns[COLUMN.source_line] as { values: Float64Array };
    const ids = columns[COLUMN.request_id] as { data: Uint8Array; offsets: Int32Array };
    const byCode: FileDependence[] = source.dictionary.map((file) => this.fileOf(file));
    for (let r = 0; r < rows; r++) {
      if (drop?.[r]) continue;
      const file = byCode[source.codes[r]!]!;
      file.rows++;
      const mask = depends[r]!;
      if (mask === 0) continue;
      for (let f = 0; f < PRICE_FIELDS.length; f++) {
        if ((mask & (1 << f)) === 0) continue;
        const field = file.fields[f]!;
        field.rows++;
        if (!cost.nulls[r]) field.cost += cost.values[r]!;
        const line = lines.values[r]!;
        const samples = field.samples;
        if (samples.length === SAMPLE_IDS && line >= samples[SAMPLE_IDS - 1]!.line) continue;
        const requestId = utf8.decode(ids.data.subarray(ids.offsets[r]! + 4, ids.offsets[r + 1]!));
        let at = samples.length;
        while (at > 0 && samples[at - 1]!.line > line) at--;
        samples.splice(at, 0, { line, request_id: requestId });
        if (samples.length > SAMPLE_IDS) samples.pop();
      }
    }
  }

  /** The file's figures; undefined when the run kept no row of it. */
  get(file: string): FileDependence | undefined {
    return this.files.get(file);
  }

  private fileOf(file: string): FileDependence {
    let found = this.files.get(file);
    if (found === undefined) {
      found = { rows: 0, fields: PRICE_FIELDS.map(() => ({ rows: 0, cost: 0n, samples: [] })) };
      this.files.set(file, found);
    }
    return found;
  }
}
