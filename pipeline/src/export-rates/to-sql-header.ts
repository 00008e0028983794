import { COMPONENTS } from "../pricing/price-call.ts";

/**
 * The comment lines at the top of price_logs.sql: what the query reads and returns, what
 * it assumes, what it cannot express, and the few places a SQL dialect differs. No `;`:
 * the query's terminator is the only one in the file.
 */
export function toSqlHeader(): string {
  return `-- price_logs.sql: prices gateway log rows with the rates of rates.parquet, exactly as
-- \`costs run\` does (SPEC 4.4). Written by \`costs export-rates\`, the same text for every
-- pricing folder. README.md beside this file and docs/export-rates.md show how to run it
-- on DuckDB, Spark SQL, Trino and BigQuery.
--
-- Reads two relations:
--   rates  the table of rates.parquet (rows of kind account, model, entry and rate)
--   logs   one row per model call, with the canonical columns (SPEC 3) of the priced
--          Parquet: request_id VARCHAR, timestamp TIMESTAMP (UTC), model VARCHAR,
--          region VARCHAR (NULL: the account's region, else the catalog default),
--          input_tokens, cache_read_tokens, cache_write_tokens, output_tokens,
--          input_audio_tokens, output_audio_tokens BIGINT (NULL means 0),
--          input_images, output_images, input_characters, input_seconds, output_seconds,
--          queries, pages VARCHAR decimal text (NULL: none), batch BOOLEAN (NULL: false),
--          service_tier VARCHAR ('priority' selects priority_pricing)
-- Returns one row per log row, unknown models included (unpriced, never dropped):
--   request_id, date (VARCHAR YYYY-MM-DD, UTC), model, provider_account, provider,
--   provider_model, region (resolved), price_source (public, private or unpriced),
--   price_ref, pricing_mode, tier, unpriced_reason, one <component>_cost_usd per component
--   (${COMPONENTS.join(", ")}),
--   cost_usd and list_cost_usd. Money is DECIMAL(18, 9), NULL when unpriced.
--
-- Assumes what the priced output guarantees: request_id is unique (deduplicate raw logs
-- first, keeping the first row), virtual-model parent rows are left out, and every row is
-- valid (cache_read + cache_write <= input_tokens, input audio within the uncached input,
-- output audio within output_tokens, no negative counts): costs run rejects the others.
-- Not expressed here, so such a row comes back unpriced with the reason instead of a
-- wrong number: a unit quantity with more than 9 decimal places.
-- Limits: within one call, a unit component (images, seconds, ...) below 100,000 USD and
-- any other component below 9.2 billion USD (exact intermediates of scale 33 and 24 in 38
-- digits, money DECIMAL(18, 9)). Beyond, DuckDB and Trino stop with an overflow error,
-- Spark without ANSI mode returns NULL.
--
-- Dialect spots (otherwise ANSI SQL: CTEs, CASE, LEFT JOIN, GROUP BY, UNION ALL):
--   1. Decimals. DuckDB and Trino keep every scale as written. Spark SQL needs
--      spark.sql.decimalOperations.allowPrecisionLoss=false, else it cuts products to 6
--      decimals. BigQuery: replace DECIMAL(p, s) with BIGNUMERIC(p, s).
--   2. Rounding half to even is written out with ROUND (half away from zero in DuckDB, Trino
--      and BigQuery, HALF_UP in Spark: the same for costs >= 0). An engine with a half-even
--      ROUND may use it instead (BigQuery: ROUND(x, 9, 'ROUND_HALF_EVEN')).
--   3. Types and time zone. Spark and BigQuery: replace VARCHAR with STRING. The date and the
--      private price periods are UTC: run with the session time zone set to UTC (DuckDB
--      SET TimeZone = 'UTC', Spark spark.sql.session.timeZone=UTC, Trino SET TIME ZONE 'UTC').`;
}
