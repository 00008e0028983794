/**
 * The DuckDB side of the benchmark: setup (`costs export-rates`, not timed as DuckDB's),
 * the job itself (duckdb-job.ts in a child process, measured by measureChild), and reading
 * its Parquet back here, after the timing, for the row count and the exact total.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { displayPath } from "../src/lib/errors.ts";
import { sqlString } from "./duckdb-job.ts";
import { measureChild } from "./measure-child.ts";
import { failure } from "./run-costs.ts";

export interface RatesExport {
  /** Folder holding rates.parquet and price_logs.sql. */
  dir: string;
  ms: number;
  command: string;
}

export interface DuckdbResult {
  command: string;
  wallMs: number;
  peakRssBytes: number | null;
  cpuMs: number | null;
  duckdbVersion: string;
  threads: number;
  /** Inside the job: reading and deduplicating the logs into a table. */
  loadMs: number;
  /** Inside the job: the COPY statement (pricing with price_logs.sql, writing Parquet). */
  copyMs: number;
  /** SUM(cost_usd) over the written Parquet, read back: exact decimal text. */
  costUsd: string;
  rowsWritten: number;
  /** Rows with a cost (the rest are unpriced: cost_usd NULL). */
  pricedRows: number;
  /** The job's output folder (date=YYYY-MM-DD/*.parquet). */
  out: string;
}

const EXPORT_RATES_SOURCE = "pipeline/src/commands/export-rates.ts";

/** true once `costs export-rates` exists in this checkout. */
export function hasExportRates(root: string): boolean {
  return existsSync(path.join(root, EXPORT_RATES_SOURCE));
}

/** `costs export-rates --pricing-dir pricing --out DIR`: the rates and the portable pricing SQL. */
export async function exportRates(options: { root: string; work: string }): Promise<RatesExport> {
  const dir = path.join(options.work, "rates");
  const args = [
    path.join(options.root, "pipeline/bin/costs.js"),
    "export-rates",
    "--pricing-dir",
    path.join(options.root, "pricing"),
    "--out",
    dir,
  ];
  const command = `node ${args.map((a) => displayPath(a, options.root)).join(" ")}`;
  if (!hasExportRates(options.root))
    throw new Error(`costs export-rates is not available yet (${EXPORT_RATES_SOURCE} is missing); run with --skip-duckdb meanwhile`);
  const child = await measureChild(process.execPath, args, { cwd: options.root });
  if (child.code !== 0) throw new Error(failure("costs export-rates", command, child));
  for (const name of ["rates.parquet", "price_logs.sql"]) {
    if (!existsSync(path.join(dir, name))) throw new Error(`costs export-rates exited 0 but wrote no ${path.join(dir, name)}`);
  }
  return { dir, ms: child.wallMs, command };
}

/** Runs duckdb-job.ts on `logs` with the exported rates; throws with its stderr when it fails. */
export async function runDuckdb(options: { root: string; logs: string; rates: RatesExport; work: string }): Promise<DuckdbResult> {
  const out = path.join(options.work, "duckdb-out");
  const args = [
    "--import",
    "tsx",
    path.join(options.root, "pipeline/bench/duckdb-job.ts"),
    "--logs",
    options.logs,
    "--rates",
    options.rates.dir,
    "--out",
    out,
  ];
  const command = `node ${args.map((a) => displayPath(a, options.root)).join(" ")}`;
  const child = await measureChild(process.execPath, args, { cwd: options.root });
  if (child.code !== 0) throw new Error(failure("DuckDB job", command, child));
  const line = child.stdout.trim().split("\n").pop() ?? "";
  let job: { duckdb_version: string; threads: number; load_ms: number; copy_ms: number };
  try {
    job = JSON.parse(line) as typeof job;
  } catch {
    throw new Error(`DuckDB job printed no result line\n  command: ${command}\n  stdout: ${child.stdout.slice(0, 500)}`);
  }
  const back = await readBack(out);
  return {
    command,
    wallMs: child.wallMs,
    peakRssBytes: child.peakRssBytes,
    cpuMs: child.cpuMs,
    duckdbVersion: job.duckdb_version,
    threads: job.threads,
    loadMs: job.load_ms,
    copyMs: job.copy_ms,
    costUsd: back.costUsd,
    rowsWritten: back.rows,
    pricedRows: back.priced,
    out,
  };
}

/** Opens an in-memory DuckDB in this process (for reading results back, after the timings). */
async function connect() {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(":memory:");
  return db.connect();
}

/** Rows, priced rows and the exact SUM(cost_usd) of the job's Parquet. */
async function readBack(out: string): Promise<{ rows: number; priced: number; costUsd: string }> {
  const connection = await connect();
  try {
    const row = (
      await connection.runAndReadAll(
        `SELECT count(*) AS rows, count(cost_usd) AS priced, CAST(coalesce(sum(cost_usd), 0) AS VARCHAR) AS total
         FROM read_parquet(${sqlString(`${out}/**/*.parquet`)}, hive_partitioning = true)`,
      )
    ).getRowObjects()[0]!;
    return { rows: Number(row.rows), priced: Number(row.priced), costUsd: String(row.total) };
  } finally {
    connection.closeSync();
  }
}

/** The DuckDB version of this process's @duckdb/node-api (for the machine line when DuckDB was skipped). */
export function duckdbPackageVersion(root: string): string {
  const file = path.join(root, "node_modules/@duckdb/node-api/package.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version : "not installed";
}

export interface Difference {
  request_id: string;
  model: string | null;
  costs_cost_usd: string | null;
  duckdb_cost_usd: string | null;
  costs_price_ref: string | null;
  duckdb_price_source: string | null;
  costs_tier: string | null;
  duckdb_tier: string | null;
}

/** When the totals differ: the rows whose cost differs, or that only one side wrote (first `limit`, by request_id). */
export async function findDifferences(costsOut: string, duckdbOut: string, limit = 10): Promise<{ count: number; rows: Difference[] }> {
  const connection = await connect();
  try {
    const join = `
      FROM read_parquet(${sqlString(`${costsOut}/priced/**/*.parquet`)}, hive_partitioning = true, union_by_name = true) c
      FULL OUTER JOIN read_parquet(${sqlString(`${duckdbOut}/**/*.parquet`)}, hive_partitioning = true) d USING (request_id)
      WHERE c.cost_usd IS DISTINCT FROM d.cost_usd`;
    const count = Number((await connection.runAndReadAll(`SELECT count(*) AS n ${join}`)).getRowObjects()[0]!.n);
    const rows = (
      await connection.runAndReadAll(
        `SELECT request_id, coalesce(c.model, d.model) AS model, CAST(c.cost_usd AS VARCHAR) AS costs_cost_usd, CAST(d.cost_usd AS VARCHAR) AS duckdb_cost_usd,
                c.price_ref AS costs_price_ref, d.price_source AS duckdb_price_source, c.tier AS costs_tier, d.tier AS duckdb_tier
         ${join} ORDER BY request_id LIMIT ${limit}`,
      )
    ).getRowObjects();
    return {
      count,
      rows: rows.map(
        (r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])) as unknown as Difference,
      ),
    };
  } finally {
    connection.closeSync();
  }
}
