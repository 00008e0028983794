/** The engines `costs export-rates --dialect` writes price_logs.sql for (sql-dialect.ts). */
export const DIALECTS = ["duckdb", "postgres", "clickhouse", "spark", "trino", "bigquery"] as const;
export type DialectName = (typeof DIALECTS)[number];
