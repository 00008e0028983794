import { formatDecimal } from "../pricing/money.ts";
import { RATE_SCALE, type Column } from "../parquet/write-parquet.ts";

/**
 * rates.csv: the columns of rates.parquet as CSV, for engines that read no Parquet
 * (PostgreSQL's `\copy rates FROM 'rates.csv' WITH (FORMAT csv, HEADER true)`). A NULL is
 * an empty unquoted field and every text value is quoted, so an empty text stays '' (COPY
 * reads them so); text is written as it is (no spreadsheet escaping: this file is data for
 * a database). Timestamps are UTC `YYYY-MM-DD HH:MM:SS.mmm`, rates exact decimal text.
 */
export function toRatesCsv(columns: Column[]): string {
  const rows = columns[0]?.data.length ?? 0;
  const lines = [columns.map((c) => c.name).join(",")];
  for (let i = 0; i < rows; i++) lines.push(columns.map((c) => cell(c, c.data[i])).join(","));
  return `${lines.join("\n")}\n`;
}

function cell(column: Column, value: unknown): string {
  if (value === null || value === undefined) return "";
  switch (column.kind) {
    case "timestamp":
      return new Date(value as number).toISOString().replace("T", " ").replace("Z", "");
    case "rate":
      return formatDecimal({ coef: value as bigint, scale: RATE_SCALE });
    case "int64":
      return String(value);
    default:
      return `"${String(value).replaceAll('"', '""')}"`;
  }
}
