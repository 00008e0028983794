import { writeFile } from "node:fs/promises";
import path from "node:path";
import { hashFiles } from "../lib/hash.ts";
import { listYamlFiles } from "../pricing/load-catalog.ts";
import type { PricingBook } from "../pricing/load-pricing.ts";
import { lockOutputs, type LockOptions } from "../outputs/output-lock.ts";
import { Staging } from "../outputs/staging.ts";
import { writeParquet } from "../parquet/write-parquet.ts";
import { buildRateTable } from "./build-rate-table.ts";
import { toExportReadme, type RateTableCounts } from "./to-export-readme.ts";
import type { DialectName } from "./sql-dialect.ts";
import { toPricingSql } from "./to-pricing-sql.ts";
import { toRatesCsv } from "./to-rates-csv.ts";
import { toRateColumns } from "./to-rate-columns.ts";

/** rates.csv is the same table as rates.parquet, for engines that read no Parquet (PostgreSQL). */
export const EXPORT_FILES = ["rates.parquet", "rates.csv", "price_logs.sql", "README.md"] as const;

export interface WrittenRates {
  out: string;
  rows: number;
  counts: RateTableCounts;
  /** Content hash of the pricing files the rates come from. */
  pricingVersion: string;
  dialect: DialectName;
  files: Array<{ file: (typeof EXPORT_FILES)[number]; bytes: number }>;
}

/**
 * Writes rates.parquet, rates.csv, price_logs.sql (in `dialect`) and README.md into `out`.
 * They are staged and
 * moved into place together, so a failed export leaves the previous one as it was.
 * `stagingId` names the staging folder (the caller's process id, say). Like `costs run`,
 * it holds the folder's lock while writing (outputs/).
 */
export async function writeRates(
  book: PricingBook,
  out: string,
  stagingId: string,
  dialect: DialectName = "duckdb",
  lockOptions: LockOptions = { cwd: process.cwd(), now: () => new Date(), command: "costs export-rates" },
): Promise<WrittenRates> {
  const refBase = path.dirname(book.dir);
  const rows = buildRateTable(book, refBase);
  const columns = toRateColumns(rows);
  const counts: RateTableCounts = { accounts: 0, models: 0, entries: 0, rates: 0 };
  for (const row of rows) {
    if (row.kind === "account") counts.accounts++;
    else if (row.kind === "model") counts.models++;
    else if (row.kind === "entry") counts.entries++;
    else counts.rates++;
  }
  const pricingVersion = await hashFiles(await listYamlFiles(book.dir), refBase);

  const lock = await lockOutputs(out, lockOptions);
  const staging = new Staging(out, stagingId);
  try {
    await staging.open();
    const sql = toPricingSql(dialect);
    const readme = toExportReadme(counts, pricingVersion, dialect);
    const csv = toRatesCsv(columns);
    const parquetBytes = await writeParquet(staging.path("rates.parquet"), columns, {
      "gateway-costs.pricing_version": pricingVersion,
      "gateway-costs.table": "resolved rates, see docs/export-rates.md",
    });
    await writeFile(staging.path("price_logs.sql"), sql);
    await writeFile(staging.path("README.md"), readme);
    await writeFile(staging.path("rates.csv"), csv);
    await staging.commit([...EXPORT_FILES]);
    return {
      out,
      rows: rows.length,
      counts,
      pricingVersion,
      dialect,
      files: [
        { file: "rates.parquet", bytes: parquetBytes },
        { file: "rates.csv", bytes: Buffer.byteLength(csv) },
        { file: "price_logs.sql", bytes: Buffer.byteLength(sql) },
        { file: "README.md", bytes: Buffer.byteLength(readme) },
      ],
    };
  } catch (error) {
    await staging.discard();
    throw error;
  } finally {
    await lock.release();
  }
}
