import path from "node:path";
import { displayPath } from "../lib/errors.ts";
import { formatTable } from "../lib/format-table.ts";
import { lockContext, type Io } from "../lib/io.ts";
import { SQL_DIALECTS, type DialectName } from "../export-rates/sql-dialect.ts";
import { writeRates } from "../export-rates/write-rates.ts";
import { loadPricingOrThrow } from "../pricing/load-pricing.ts";

export interface ExportRatesOptions {
  pricingDir: string;
  out: string;
  dialect: DialectName;
}

/**
 * `costs export-rates`: the resolved rate table (rates.parquet), the SQL that prices logs
 * with it (price_logs.sql, in the SQL dialect of the engine asked for) and a README, for
 * pricing logs on DuckDB, PostgreSQL, ClickHouse, Spark SQL, Trino or BigQuery. Pricing errors stop it before anything is written; the summary goes to stdout.
 */
export async function exportRatesCommand(options: ExportRatesOptions, io: Io): Promise<number> {
  const book = await loadPricingOrThrow(path.resolve(io.cwd, options.pricingDir));
  const out = path.resolve(io.cwd, options.out);
  const written = await writeRates(book, out, String(process.pid), options.dialect, lockContext(io, "costs export-rates"));
  const shown = displayPath(out, io.cwd) || ".";
  const { counts } = written;
  io.out(
    `costs export-rates: ${written.rows.toLocaleString("en")} rows in rates.parquet (${counts.accounts} accounts, ${counts.models} models, ` +
      `${counts.entries} price entries, ${counts.rates.toLocaleString("en")} rates) from ${displayPath(book.dir, io.cwd) || "."} (${written.pricingVersion}), SQL for ${SQL_DIALECTS[written.dialect].title}\n\n`,
  );
  const table = formatTable(
    [["file", "bytes"], ...written.files.map((f) => [`${shown}/${f.file}`, f.bytes.toLocaleString("en")])],
    new Set([1]),
  );
  io.out(
    `${table
      .split("\n")
      .map((line) => `  ${line}`)
      .join("\n")}\n\nprice logs with it: see ${shown}/README.md (docs/export-rates.md)\n`,
  );
  return 0;
}
