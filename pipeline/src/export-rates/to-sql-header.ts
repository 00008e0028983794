import { COMPONENTS } from "../pricing/price-call.ts";
import type { DialectName, SqlDialect } from "./sql-dialect.ts";

/**
 * The comment lines at the top of price_logs.sql: what the query reads and returns, what
 * it assumes, what it cannot express, and the few places a SQL dialect differs. No `;`:
 * the query's terminator is the only one in the file.
 */
export function toSqlHeader(d: SqlDialect): string {
  return `-- price_logs.sql: prices gateway log rows with the rates of rates.parquet, exactly as
-- \`costs run\` does (SPEC 4.4). Written by \`costs export-rates\`, the same text for every
-- pricing folder. README.md beside this file and docs/export-rates.md show how to run it.
--
-- Reads two relations:
--   rates  the table of rates.parquet (rows of kind account, model, entry and rate)
--   logs   one row per model call, with the canonical columns (SPEC 3) of the priced
--          Parquet: request_id VARCHAR, timestamp TIMESTAMP (UTC), model VARCHAR,
--          region VARCHAR (NULL: the account's region, else the catalog default),
--          input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens,
--          output_tokens, input_audio_tokens, output_audio_tokens BIGINT (NULL means 0,
--          a table without cache_write_1h_tokens: select 0 AS cache_write_1h_tokens),
--          input_images, output_images, input_characters, input_seconds, output_seconds,
--          queries, pages VARCHAR decimal text (NULL: none), batch BOOLEAN (NULL: false),
--          service_tier VARCHAR ('priority' selects priority_pricing),
--          gateway_cache_hit BOOLEAN (NULL: false), reported_cost_usd DECIMAL or decimal
--          text, at most 18 decimals (NULL: none). A table without them: FALSE, NULL
-- Returns one row per log row, unknown models included (unpriced, never dropped):
--   request_id, date (VARCHAR YYYY-MM-DD, UTC), model, provider_account, provider,
--   provider_model, region (resolved), price_source (public, private, gateway_cache (a
--   gateway cache hit: its reported cost, rounded half to even) or unpriced),
--   price_ref, pricing_mode, tier, unpriced_reason, one <component>_cost_usd per component
--   (${COMPONENTS.join(", ")}),
--   cost_usd and list_cost_usd. Money is ${d.decimal(18, 9)}, NULL when unpriced.
--
-- Assumes what the priced output guarantees: request_id is unique (deduplicate raw logs
-- first, keeping the first row), virtual-model parent rows are left out, and every row is
-- valid (cache_read + cache_write <= input_tokens, cache_write_1h <= cache_write, input audio within the uncached input,
-- output audio within output_tokens, no negative counts): costs run rejects the others.
-- Not expressed here, so such a row comes back unpriced with the reason instead of a
-- wrong number: a unit quantity with more than 9 decimal places.
-- Limits: within one call, a unit component (images, seconds, ...) below 100,000 USD and
-- any other component below 9.2 billion USD (exact intermediates of scale 33 and 24 in 38
-- digits, money DECIMAL(18, 9)). Beyond, DuckDB, PostgreSQL, ClickHouse and Trino stop
-- with an overflow error, Spark without ANSI mode returns NULL.
--
-- Written for ${d.title} (\`costs export-rates --dialect ${d.name}\`). Set up and load first:
${d.setup
  .flatMap((step) => step.split("\n"))
  .map((line) => `--   ${line}`)
  .join("\n")}
${DIALECT_NOTES[d.name].map((line) => `-- ${line}`).join("\n")}`;
}

/** What a reader of each dialect's file must know beyond the setup. */
const DIALECT_NOTES: Record<DialectName, string[]> = {
  duckdb: [
    "The query text is plain ANSI SQL: it runs unchanged on DuckDB, PostgreSQL and Trino.",
    "Rounding half to even is written out with ROUND (half away from zero: the same for costs >= 0).",
  ],
  postgres: [
    "NUMERIC keeps every scale exactly. ROUND(numeric, 9) rounds half away from zero, and the",
    "query turns that into half to even.",
  ],
  clickhouse: [
    "Exact decimal constants are toDecimal128(...): ClickHouse reads 0.5 as a Float64, which",
    "breaks half-to-even ties. Sums of Decimal128 stay exact, and overflow is an error",
    "(decimal_check_overflow, on by default).",
  ],
  spark: [
    "Needs spark.sql.decimalOperations.allowPrecisionLoss=false (set above). ROUND is HALF_UP",
    "on decimals: the same as half away from zero for costs >= 0. Parse-checked only.",
  ],
  trino: ["DECIMAL keeps every scale as written, and ROUND is half away from zero. Parse-checked only."],
  bigquery: [
    "DECIMAL is BIGNUMERIC, VARCHAR is STRING, BIGINT is INT64, POSITION is STRPOS. ROUND(x, 9, 'ROUND_HALF_EVEN')",
    "would also do, but the written-out form is kept. Parse-checked only.",
  ],
};
