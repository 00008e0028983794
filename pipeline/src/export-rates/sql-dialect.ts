import type { DialectName } from "./dialect-names.ts";
import { RATE_COLUMNS } from "./to-rate-columns.ts";

export { DIALECTS, type DialectName } from "./dialect-names.ts";

/**
 * What differs between engines in price_logs.sql. Everything else is one text: CTEs,
 * CASE, LEFT JOIN on equality keys only, GROUP BY, UNION ALL.
 */
export interface SqlDialect {
  name: DialectName;
  /** The engine's name in prose. */
  title: string;
  /** An exact decimal type of precision p and scale s. */
  decimal: (p: number, s: number) => string;
  /** The text type. */
  text: string;
  /** The 64-bit signed integer type. */
  bigint: string;
  /** An exact decimal constant (ClickHouse reads `0.5` as a Float64). */
  exact: (literal: string) => string;
  /** 1-based position of `needle` in `haystack`, 0 when absent. */
  position: (needle: string, haystack: string) => string;
  /** What goes between the query and its `;` (ClickHouse's SETTINGS clause). */
  suffix: string;
  /**
   * How to set the session up and load the two relations: statements without their `;`
   * (the header is comments and the file's only `;` ends the query), `--` comments and
   * psql meta-commands. The README prints them runnable.
   */
  setup: string[];
}

const ansi = {
  decimal: (p: number, s: number) => `DECIMAL(${p}, ${s})`,
  text: "VARCHAR",
  bigint: "BIGINT",
  exact: (literal: string) => literal,
  position: (needle: string, haystack: string) => `POSITION(${needle} IN ${haystack})`,
  suffix: "",
};

/** ClickHouse decimals: Decimal128 holds 38 digits, as DECIMAL(38, s) elsewhere. */
const clickhouseScale = (literal: string) => literal.split(".")[1]?.length ?? 0;

/** SQL types of the rate table's columns, for engines that load it from CSV. */
const COLUMN_TYPES = { string: "TEXT", timestamp: "TIMESTAMP", int64: "BIGINT", rate: "NUMERIC(38, 24)" } as const;

export const SQL_DIALECTS: Record<DialectName, SqlDialect> = {
  duckdb: {
    ...ansi,
    name: "duckdb",
    title: "DuckDB",
    setup: [
      "SET TimeZone = 'UTC'",
      "CREATE VIEW rates AS SELECT * FROM read_parquet('rates.parquet')",
      "CREATE VIEW logs AS SELECT * FROM read_parquet('data/priced/date=*/*.parquet', hive_partitioning = true)",
    ],
  },
  postgres: {
    ...ansi,
    name: "postgres",
    title: "PostgreSQL",
    setup: [
      "SET TIME ZONE 'UTC'",
      "-- logs.timestamp and the rates' periods are UTC",
      "-- PostgreSQL reads no Parquet: load rates.csv (written beside this file) into a table",
      ratesDdl("postgres"),
      "\\copy rates FROM 'rates.csv' WITH (FORMAT csv, HEADER true)",
      "-- logs: a table or view with the canonical columns below (timestamp: TIMESTAMP, UTC)",
    ],
  },
  clickhouse: {
    ...ansi,
    name: "clickhouse",
    title: "ClickHouse",
    exact: (literal: string) => `toDecimal128('${literal}', ${clickhouseScale(literal)})`,
    suffix: "SETTINGS join_use_nulls = 1, cast_keep_nullable = 1, session_timezone = 'UTC'\n",
    setup: [
      "CREATE VIEW rates AS SELECT * FROM file('rates.parquet', Parquet)",
      "-- or s3('https://…/rates.parquet')",
      "CREATE VIEW logs AS SELECT * FROM file('data/priced/date=*/*.parquet', Parquet)",
      "-- the query's SETTINGS clause turns on what it relies on: NULL (not 0 or '') for",
      "-- unmatched LEFT JOIN columns, CAST keeping NULLs, and UTC dates",
    ],
  },
  spark: {
    ...ansi,
    name: "spark",
    title: "Spark SQL",
    text: "STRING",
    position: (needle: string, haystack: string) => `INSTR(${haystack}, ${needle})`,
    setup: [
      "SET spark.sql.decimalOperations.allowPrecisionLoss = false",
      "-- else products are cut to 6 decimals",
      "SET spark.sql.session.timeZone = UTC",
      "CREATE TEMPORARY VIEW rates USING parquet OPTIONS (path 'rates.parquet')",
      "CREATE TEMPORARY VIEW logs USING parquet OPTIONS (path 'data/priced')",
    ],
  },
  trino: {
    ...ansi,
    name: "trino",
    title: "Trino",
    position: (needle: string, haystack: string) => `STRPOS(${haystack}, ${needle})`,
    setup: [
      "SET TIME ZONE 'UTC'",
      "-- rates and logs: tables over the Parquet files (Hive or Iceberg connector), e.g.",
      "-- CREATE TABLE hive.costs.rates (...) WITH (external_location = 's3://…/rates/', format = 'PARQUET')",
    ],
  },
  bigquery: {
    ...ansi,
    name: "bigquery",
    title: "BigQuery",
    decimal: (p: number, s: number) => `BIGNUMERIC(${p}, ${s})`,
    text: "STRING",
    bigint: "INT64",
    position: (needle: string, haystack: string) => `STRPOS(${haystack}, ${needle})`,
    setup: [
      "-- rates and logs: tables loaded from the Parquet files, rates with BIGNUMERIC rates, e.g.",
      "-- bq load --source_format=PARQUET --parquet_enable_list_inference dataset.rates rates.parquet",
      "-- dates are UTC: BigQuery's TIMESTAMP is UTC",
    ],
  },
};

/** `CREATE TABLE rates (...)` for an engine that loads rates.csv (PostgreSQL). */
export function ratesDdl(_dialect: "postgres"): string {
  return `CREATE TABLE rates (\n${RATE_COLUMNS.map(([name, kind]) => `  ${name} ${COLUMN_TYPES[kind]}`).join(",\n")}\n)`;
}
