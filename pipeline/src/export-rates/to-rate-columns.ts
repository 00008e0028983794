import { PipelineError, type Problem } from "../lib/errors.ts";
import { formatDecimal, pow10, type Decimal } from "../pricing/money.ts";
import { RATE_SCALE, type Column, type ColumnKind } from "../parquet/write-parquet.ts";
import type { RateRow } from "./build-rate-table.ts";

/** The columns of rates.parquet, in file order (docs/export-rates.md explains each). */
export const RATE_COLUMNS = [
  ["kind", "string"],
  ["model", "string"],
  ["provider_account", "string"],
  ["provider", "string"],
  ["provider_model", "string"],
  ["applies_to", "string"],
  ["price_source", "string"],
  ["price_ref", "string"],
  ["source", "string"],
  ["region", "string"],
  ["default_region", "string"],
  ["effective_from", "timestamp"],
  ["effective_to", "timestamp"],
  ["variant", "string"],
  ["component", "string"],
  ["tier_from", "int64"],
  ["tier_to", "int64"],
  ["pricing_mode", "string"],
  ["rate", "rate"],
  ["rate_field", "string"],
] as const satisfies ReadonlyArray<readonly [keyof RateRow, ColumnKind]>;

/** DECIMAL(38,24): 24 decimals and 14 integer digits. */
const MAX_RATE = pow10(38);

/**
 * The table as Parquet columns. Rates become DECIMAL(38, RATE_SCALE) exactly; a rate that
 * does not fit (more decimals, or 10^14 USD and above) stops the export with its file and
 * field, never a rounded rate.
 */
export function toRateColumns(rows: RateRow[]): Column[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const rates = rows.map((row) => {
    if (row.rate === null) return null;
    const unscaled = toUnscaled(row.rate);
    if (unscaled === null) {
      const key = `${row.price_ref} ${row.rate_field}`;
      if (!seen.has(key)) {
        seen.add(key);
        problems.push({
          file: (row.price_ref ?? "").split("#")[0]!,
          field: `${(row.price_ref ?? "").split("#")[1] ?? ""}.${row.rate_field}`,
          message: `rate ${formatDecimal(row.rate)} does not fit DECIMAL(38,${RATE_SCALE}) exactly`,
          hint: `rates.parquet stores rates with ${RATE_SCALE} decimals and at most ${38 - RATE_SCALE} integer digits; write the rate with fewer digits`,
        });
      }
    }
    return unscaled;
  });
  if (problems.length > 0) throw new PipelineError(problems);
  return RATE_COLUMNS.map(([name, kind]) => ({ name, kind, data: name === "rate" ? rates : rows.map((row) => row[name]) }));
}

/** The rate × 10^RATE_SCALE as an exact bigint; null when it needs more decimals or digits. */
function toUnscaled(rate: Decimal): bigint | null {
  if (rate.scale > RATE_SCALE) return null;
  const unscaled = rate.coef * pow10(RATE_SCALE - rate.scale);
  return unscaled >= MAX_RATE || unscaled <= -MAX_RATE ? null : unscaled;
}
