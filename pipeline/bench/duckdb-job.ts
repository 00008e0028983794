/**
 * The DuckDB side of the benchmark, run as its own process so it is measured like `costs
 * run`: what a data engineer would write instead of this project, pricing with the
 * project's portable SQL (`costs export-rates`: rates.parquet + price_logs.sql).
 *
 *   node --import tsx pipeline/bench/duckdb-job.ts --logs FILE.jsonl --rates DIR --out DIR
 *
 * Reads the JSON Lines with explicit column types, keeps the first row of each request_id,
 * skips virtual-model parent rows, prices every row with price_logs.sql and writes Parquet
 * partitioned by UTC date (DIR/date=YYYY-MM-DD/*.parquet). The deduplicated logs are staged
 * in a temporary table first, as a data engineer would (price_logs.sql reads `logs` in
 * several places; a view would re-read the JSON). Prints one JSON line to stdout:
 * `{ "duckdb_version", "threads", "rows_written", "load_ms", "copy_ms" }`.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

/** The log columns price_logs.sql reads, plus virtual_model (to skip parents), with their types. */
export const LOG_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ["request_id", "VARCHAR"],
  ["timestamp", "TIMESTAMPTZ"],
  ["model", "VARCHAR"],
  ["region", "VARCHAR"],
  ["input_tokens", "BIGINT"],
  ["cache_read_tokens", "BIGINT"],
  ["cache_write_tokens", "BIGINT"],
  ["cache_write_1h_tokens", "BIGINT"],
  ["output_tokens", "BIGINT"],
  ["reasoning_tokens", "BIGINT"],
  ["input_audio_tokens", "BIGINT"],
  ["output_audio_tokens", "BIGINT"],
  ["input_images", "VARCHAR"],
  ["output_images", "VARCHAR"],
  ["input_characters", "VARCHAR"],
  ["input_seconds", "VARCHAR"],
  ["output_seconds", "VARCHAR"],
  ["queries", "VARCHAR"],
  ["pages", "VARCHAR"],
  ["batch", "BOOLEAN"],
  ["service_tier", "VARCHAR"],
  ["gateway_cache_hit", "BOOLEAN"],
  ["reported_cost_usd", "VARCHAR"],
  ["virtual_model", "VARCHAR"],
];

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The single SELECT of price_logs.sql, without its terminating `;` (comment lines kept: they are valid inside parentheses). */
export function readPriceQuery(file: string): string {
  const text = readFileSync(file, "utf8").trim();
  if (!text.endsWith(";")) throw new Error(`${file}: expected one SELECT query terminated by ';'`);
  const query = text.slice(0, -1).trimEnd();
  const body = query.replace(/^\s*--.*$/gm, "");
  if (body.includes(";")) throw new Error(`${file}: expected exactly one query, found another ';'`);
  if (!/^\s*(with|select)\b/i.test(body)) throw new Error(`${file}: expected a SELECT query (CTEs allowed) after the comment lines`);
  return `${query}\n`;
}

export type JobStep = "setup" | "load" | "price";

/**
 * The statements of the job, in order: settings and rates (setup), the logs read and
 * deduplicated into a table (load), then the COPY that prices and writes (price).
 */
export function jobStatements(options: { logs: string; ratesDir: string; out: string }): Array<{ step: JobStep; sql: string }> {
  const columns = LOG_COLUMNS.map(([name, type]) => `${name}: '${type}'`).join(", ");
  const kept = LOG_COLUMNS.filter(([name]) => name !== "virtual_model").map(([name]) =>
    name === "timestamp" ? "timestamp::TIMESTAMP AS timestamp" : name,
  );
  return [
    { step: "setup", sql: "SET TimeZone = 'UTC'" },
    { step: "setup", sql: `CREATE TABLE rates AS SELECT * FROM read_parquet(${sqlString(path.join(options.ratesDir, "rates.parquet"))})` },
    // costs run's order of checks: duplicates first (the first row of a request_id is
    // kept; generated duplicates are exact copies, so the earliest is the first), then
    // virtual-model parents.
    {
      step: "load",
      sql: `CREATE TEMP TABLE logs AS
SELECT ${kept.join(", ")}
FROM (
  SELECT * FROM read_json(${sqlString(options.logs)}, format = 'newline_delimited', columns = {${columns}})
  QUALIFY row_number() OVER (PARTITION BY request_id ORDER BY timestamp) = 1
)
WHERE virtual_model IS NULL`,
    },
    {
      step: "price",
      sql: `COPY (${readPriceQuery(path.join(options.ratesDir, "price_logs.sql"))}) TO ${sqlString(options.out)} (FORMAT parquet, PARTITION_BY (date))`,
    },
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { logs: { type: "string" }, rates: { type: "string" }, out: { type: "string" } } });
  if (!values.logs || !values.rates || !values.out) throw new Error("usage: duckdb-job.ts --logs FILE.jsonl --rates DIR --out DIR");
  const statements = jobStatements({
    logs: path.resolve(values.logs),
    ratesDir: path.resolve(values.rates),
    out: path.resolve(values.out),
  });
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  const info = (await connection.runAndReadAll("SELECT version() AS version, current_setting('threads') AS threads")).getRowObjects()[0]!;
  const ms: Record<JobStep, number> = { setup: 0, load: 0, price: 0 };
  let written = 0;
  for (const { step, sql } of statements) {
    const began = performance.now();
    const result = await connection.runAndReadAll(sql);
    ms[step] += performance.now() - began;
    if (step === "price") written = Number(result.getRows()[0]?.[0] ?? 0);
  }
  connection.closeSync();
  const line = {
    duckdb_version: String(info.version),
    threads: Number(info.threads),
    rows_written: written,
    load_ms: Math.round(ms.load),
    copy_ms: Math.round(ms.price),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`duckdb-job: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
