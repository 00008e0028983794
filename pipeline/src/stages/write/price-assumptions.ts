import { formatNano, parseNano } from "../../pricing/money.ts";
import { PRICE_FIELDS, type PriceField } from "../../schemas/price-fields.ts";
import type { FileDependence } from "../../engine/tally-price-dependence.ts";
import type { FileStats } from "../ingest/index.ts";

/** One price field an input file had no value for in any row (manifest `inputs[].missing_price_columns`). */
export interface MissingPriceColumn {
  field: PriceField;
  /** What its rows were priced with instead. */
  assumption: string;
  /** What makes a row's price depend on the field. */
  depends_on: string;
  /** The file's rows in the priced data (priced and unpriced; rejects, duplicates and parents aside): all of them lack the field. */
  rows: number;
  /** Those whose price in force depends on the field: they may be priced wrong. */
  rows_affected: number;
  /** Their cost as priced (nano-USD exact). */
  cost_affected_usd: string;
  /** Request ids of the first affected rows by input line (at most 5). */
  first_request_ids: string[];
}

/**
 * The price fields an input file supplied no value for, with the assumption used and
 * what it touches (docs/pipeline.md, "Missing price columns"): every `always` field
 * (cache tokens, region, batch, service tier), the others only when some row's price
 * depends on them. None for a file whose fields were not tracked (a priced partition read
 * back by `costs restate`) or of which no row was kept.
 */
export function missingPriceColumns(stats: FileStats | undefined, tally: FileDependence | undefined): MissingPriceColumn[] {
  const supplied = stats?.supplied_price_fields;
  if (supplied === undefined || tally === undefined || tally.rows === 0) return [];
  const missing: MissingPriceColumn[] = [];
  PRICE_FIELDS.forEach(({ field, always, assumption, depends }, i) => {
    if (supplied.includes(field)) return;
    const figures = tally.fields[i]!;
    if (!always && figures.rows === 0) return;
    missing.push({
      field,
      assumption,
      depends_on: depends,
      rows: tally.rows,
      rows_affected: figures.rows,
      cost_affected_usd: formatNano(figures.cost),
      first_request_ids: figures.samples.map((s) => s.request_id),
    });
  });
  return missing;
}

/** One price field over every input without it (manifest `price_assumptions`). */
export interface PriceAssumption {
  field: PriceField;
  assumption: string;
  depends_on: string;
  files: string[];
  rows: number;
  rows_affected: number;
  cost_affected_usd: string;
}

/** The inputs' missing price columns added up per field, in PRICE_FIELDS order. */
export function priceAssumptions(inputs: ReadonlyArray<{ file: string; missing_price_columns: MissingPriceColumn[] }>): PriceAssumption[] {
  const out: PriceAssumption[] = [];
  for (const { field, assumption, depends } of PRICE_FIELDS) {
    let rows = 0;
    let affected = 0;
    let cost = 0n;
    const files: string[] = [];
    for (const input of inputs) {
      const missing = input.missing_price_columns.find((m) => m.field === field);
      if (!missing) continue;
      files.push(input.file);
      rows += missing.rows;
      affected += missing.rows_affected;
      cost += parseNano(missing.cost_affected_usd);
    }
    if (files.length > 0)
      out.push({ field, assumption, depends_on: depends, files, rows, rows_affected: affected, cost_affected_usd: formatNano(cost) });
  }
  return out;
}
