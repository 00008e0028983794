import { UNIT_RATES } from "../pricing/call.ts";
import { COMPONENTS, type ComponentName } from "../pricing/price-call.ts";
import { SQL_DIALECTS, type DialectName, type SqlDialect } from "./sql-dialect.ts";
import { toSqlHeader } from "./to-sql-header.ts";

/** What each token component counts (the request fee counts 1); `{x}` is `cost` or `list`. */
const TOKEN_COUNTS: Partial<Record<ComponentName, string>> = {
  input: "s.{x}_text_input",
  cache_read: "s.cache_read_tokens",
  cache_write: "s.{x}_cache_write_5m",
  cache_write_1h: "s.{x}_cache_write_1h",
  input_audio: "s.input_audio_tokens",
  output: "s.{x}_text_output",
  output_audio: "s.output_audio_tokens",
  request: "1",
};
/** Token components whose tokens make the call unpriced when the entry has no rate for them. */
const REQUIRED: Array<[ComponentName, string]> = [
  ["input", "{x}_text_input"],
  ["cache_read", "cache_read_tokens"],
  ["cache_write", "{x}_cache_write_5m"],
  ["output", "{x}_text_output"],
];
const FLAGGED: ComponentName[] = ["input", "cache_read", "cache_write", "cache_write_1h", "input_audio", "output", "output_audio"];

/**
 * `price_logs.sql`: one SELECT that prices a `logs` relation with the `rates` table of
 * rates.parquet, row for row like `costs run` (SPEC 4.4), in the dialect of one engine
 * (sql-dialect.ts: types, exact decimal constants, ClickHouse's settings). The same text
 * for every pricing folder: everything that depends on the files is in the table. The file
 * holds comment lines, then exactly one query ending in the only `;` of the file. A call
 * the gateway answered from its own cache (`gateway_cache_hit`) costs its reported cost, as
 * `costs run` prices it (stages/price `gatewayCachePrice`). Joins
 * have equality keys only and CTE columns never share a name with a column they are
 * computed from, so engines with stricter join and name rules (ClickHouse) run it too.
 */
export function toPricingSql(dialectName: DialectName = "duckdb"): string {
  const d = SQL_DIALECTS[dialectName];
  const UNIT_QUANTITY = d.decimal(38, 9);
  const sides = ["cost", "list"] as const;
  const units = UNIT_RATES.map((u) => u.field);
  const componentSql = (fn: (c: ComponentName) => string, separator = ",\n") => COMPONENTS.map(fn).join(separator);
  // A gateway cache hit's cost (and list cost): the reported cost rounded half to even to nano-USD, 0 when none.
  const cacheCost = `CAST(COALESCE(${halfEven(d, "s.reported_exact", `CAST(ROUND(s.reported_exact, 9) AS ${d.decimal(38, 9)})`)}, 0) AS ${d.decimal(18, 9)})`;
  return `${toSqlHeader(d)}
WITH
-- 1. one row per log row: counts default to 0 and are signed (a ClickHouse UInt64 column
-- has no common type with the signed arithmetic below), the variant decides the rates
calls AS (
  SELECT
    l.request_id,
    l.timestamp AS called_at,
    l.model,
    NULLIF(l.region, '') AS row_region,
    -- the provider account: the model name up to its first "/" (account names have none)
    CASE WHEN ${d.position("'/'", "l.model")} > 1 THEN SUBSTRING(l.model, 1, ${d.position("'/'", "l.model")} - 1) END AS account_key,
${[
  "input_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "cache_write_1h_tokens",
  "output_tokens",
  "input_audio_tokens",
  "output_audio_tokens",
]
  .map((f) => `    CAST(COALESCE(l.${f}, 0) AS ${d.bigint}) AS ${f},`)
  .join("\n")}
${units.map((f) => `    CAST(l.${f} AS ${UNIT_QUANTITY}) AS ${f},`).join("\n")}
    CASE WHEN ${units.map((f) => `CAST(l.${f} AS ${d.decimal(38, 18)}) <> CAST(l.${f} AS ${UNIT_QUANTITY})`).join("\n      OR ")}
      THEN 1 ELSE 0 END AS units_too_precise,
    CASE
      WHEN l.service_tier = 'priority' AND COALESCE(l.batch, FALSE) THEN 'priority_batch'
      WHEN l.service_tier = 'priority' THEN 'priority'
      WHEN COALESCE(l.batch, FALSE) THEN 'batch'
      ELSE 'standard'
    END AS variant,
    -- a call the gateway answered from its own cache costs what the gateway reported (0 when nothing)
    CASE WHEN COALESCE(l.gateway_cache_hit, FALSE) THEN 1 ELSE 0 END AS cache_hit,
    CAST(l.reported_cost_usd AS ${d.decimal(38, 18)}) AS reported_exact
  FROM logs l
),
-- (the relations joined below name their columns apart from the ones they are joined
-- to: an engine may rename clashing columns, as ClickHouse does with c.* in a join)
account_rows AS (
  SELECT a.provider_account AS account_name, a.provider AS account_provider FROM rates a WHERE a.kind = 'account'
),
model_rows AS (
  SELECT m.model AS declared_model, m.provider_account AS model_account, m.provider AS model_provider,
    m.provider_model AS declared_provider_model, m.price_source AS declared_cost, m.default_region AS model_region
  FROM rates m WHERE m.kind = 'model'
),
entry_rows AS (
  SELECT e.model, e.applies_to, e.price_ref, e.price_source, e.region, e.effective_from, e.effective_to
  FROM rates e WHERE e.kind = 'entry'
),
-- the region a list price is looked up in when the row has none
list_regions AS (
  SELECT DISTINCT d.model AS list_model, d.default_region AS list_default_region
  FROM rates d WHERE d.kind = 'entry' AND d.applies_to = 'list'
),
-- which components each entry and variant has a rate for
entry_rates AS (
  SELECT x.model AS rated_model, x.applies_to AS rated_side, x.price_ref AS rated_ref, x.variant AS rated_variant,
${FLAGGED.map((c) => `    MAX(CASE WHEN x.component = '${c}' THEN 1 ELSE 0 END) AS has_${c}`).join(",\n")}
  FROM rates x WHERE x.kind = 'rate'
  GROUP BY x.model, x.applies_to, x.price_ref, x.variant
),
-- 2. account, model and region: the row's, else the account's, else the catalog default
resolved AS (
  SELECT
    c.*,
    m.declared_model,
    m.declared_cost,
    COALESCE(m.model_account, a.account_name) AS provider_account,
    COALESCE(m.model_provider, a.account_provider) AS provider,
    m.declared_provider_model AS provider_model,
    CASE WHEN m.declared_model IS NOT NULL THEN COALESCE(c.row_region, m.model_region) END AS region,
    COALESCE(c.row_region, d.list_default_region) AS list_region
  FROM calls c
  LEFT JOIN model_rows m ON m.declared_model = c.model
  LEFT JOIN list_regions d ON d.list_model = c.model
  LEFT JOIN account_rows a ON a.account_name = c.account_key
),
-- 3. the price entries in force: an entry is in force from effective_from (inclusive) to
-- effective_to (exclusive), and per side there is one for the row's region and one for "*" at most
matches AS (
  SELECT r.request_id, e.applies_to, e.region AS entry_region, e.price_ref, e.price_source
  FROM resolved r
  JOIN entry_rows e ON e.model = r.model
  WHERE (e.region = '*' OR e.region = CASE WHEN e.applies_to = 'cost' THEN r.region ELSE r.list_region END)
    AND (e.effective_from IS NULL OR r.called_at >= e.effective_from)
    AND (e.effective_to IS NULL OR r.called_at < e.effective_to)
),
in_force AS (
  SELECT t.request_id AS forced_id,
${sides
  .flatMap((side) => [
    [`${side}_own`, `t.applies_to = '${side}' AND t.entry_region <> '*'`],
    [`${side}_any`, `t.applies_to = '${side}' AND t.entry_region = '*'`],
  ])
  .flatMap(([name, when]) => [
    `    MAX(CASE WHEN ${when} THEN t.price_ref END) AS ${name}_ref`,
    `    MAX(CASE WHEN ${when} THEN t.price_source END) AS ${name}_source`,
  ])
  .join(",\n")}
  FROM matches t
  GROUP BY t.request_id
),
-- the one for the region, else the "*" one
chosen AS (
  SELECT
    r.*,
    COALESCE(f.cost_own_ref, f.cost_any_ref) AS cost_ref,
    CASE WHEN f.cost_own_ref IS NOT NULL THEN f.cost_own_source ELSE f.cost_any_source END AS cost_source,
    COALESCE(f.list_own_ref, f.list_any_ref) AS list_ref
  FROM resolved r
  LEFT JOIN in_force f ON f.forced_id = r.request_id
),
-- 4. text tokens (audio with an audio rate is priced apart), cache writes (1-hour writes
-- with a 1-hour rate are priced apart, else at the cache-write rate) and the entry's components
counted AS (
  SELECT
    h.*,
${sides
  .map(
    (side) => `    h.input_tokens - h.cache_read_tokens - h.cache_write_tokens
      - CASE WHEN ${side[0]}f.has_input_audio = 1 THEN h.input_audio_tokens ELSE 0 END AS ${side}_text_input,
    h.output_tokens - CASE WHEN ${side[0]}f.has_output_audio = 1 THEN h.output_audio_tokens ELSE 0 END AS ${side}_text_output,
    h.cache_write_tokens - CASE WHEN ${side[0]}f.has_cache_write_1h = 1 THEN h.cache_write_1h_tokens ELSE 0 END AS ${side}_cache_write_5m,
    CASE WHEN ${side[0]}f.has_cache_write_1h = 1 THEN h.cache_write_1h_tokens ELSE 0 END AS ${side}_cache_write_1h,
${FLAGGED.map((c) => `    COALESCE(${side[0]}f.has_${c}, 0) AS ${side}_has_${c}`).join(",\n")}`,
  )
  .join(",\n")}
  FROM chosen h
${sides
  .map(
    (side) => `  LEFT JOIN entry_rates ${side[0]}f
    ON ${side[0]}f.rated_model = h.model AND ${side[0]}f.rated_side = '${side}' AND ${side[0]}f.rated_ref = h.${side}_ref AND ${side[0]}f.rated_variant = h.variant`,
  )
  .join("\n")}
),
-- 5. unpriced: unknown model, no entry in force, tokens without a rate
status AS (
  SELECT
    k.*,
${sides
  .map(
    (side) => `    CASE WHEN k.declared_model IS NULL OR k.${side}_ref IS NULL OR k.units_too_precise = 1
${REQUIRED.map(([c, count]) => `      OR (k.${count.replace("{x}", side)} > 0 AND k.${side}_has_${c} = 0)`).join("\n")}
      THEN 1 ELSE 0 END AS ${side}_unpriced`,
  )
  .join(",\n")},
    CASE
      WHEN k.declared_model IS NULL AND k.provider_account IS NULL THEN 'unknown provider account in model ' || COALESCE(k.model, '(none)')
      WHEN k.declared_model IS NULL THEN 'model ' || k.model || ' is not declared in account ' || k.provider_account
      WHEN k.cost_ref IS NULL AND k.declared_cost = 'private' THEN 'no private price in force for region ' || COALESCE(k.region, '(none)') || ' or "*"'
      WHEN k.cost_ref IS NULL THEN 'no catalog cost entry for region ' || COALESCE(k.region, '(none)') || ' or "*"'
      WHEN k.units_too_precise = 1 THEN 'a unit quantity has more than 9 decimal places: price this row with costs run'
${REQUIRED.map(([c, count]) => `      WHEN k.${count.replace("{x}", "cost")} > 0 AND k.cost_has_${c} = 0 THEN k.cost_ref || ' has no rate for ${c.replace("_", " ")} tokens'`).join("\n")}
    END AS unpriced_reason
  FROM counted k
),
-- 6. one line per call and rate: the quantity priced at that rate (SPEC 4.4 step 5).
-- nano_rate is the rate when it has at most 9 decimals: tokens at such a rate cost a whole
-- number of nano-USD, so they need no rounding (the rounding below is the slow part)
rate_rows AS (
  SELECT x.model, x.applies_to, x.price_ref, x.variant, x.component, x.tier_from, x.tier_to, x.pricing_mode, x.rate,
    CASE WHEN CAST(x.rate AS ${d.decimal(38, 9)}) = x.rate THEN CAST(x.rate AS ${d.decimal(38, 9)}) END AS nano_rate
  FROM rates x WHERE x.kind = 'rate'
),
lines AS (
${sides
  .map(
    (side) => `  SELECT s.request_id, x.applies_to, x.component, x.tier_from, x.tier_to, x.pricing_mode, x.rate, x.nano_rate,
    s.input_tokens AS prompt_tokens,
    CASE x.component
${Object.entries(TOKEN_COUNTS)
  .map(([c, count]) => `      WHEN '${c}' THEN ${count!.replace("{x}", side)}`)
  .join("\n")}
    END AS token_count,
    CASE x.component
${UNIT_RATES.map((u) => `      WHEN '${u.component}' THEN s.${u.field}`).join("\n")}
    END AS unit_quantity
  FROM status s
  JOIN rate_rows x
    ON x.applies_to = '${side}' AND x.model = s.model AND x.price_ref = s.${side}_ref AND x.variant = s.variant
  WHERE s.${side}_unpriced = 0${side === "list" ? " AND s.declared_cost = 'private'" : ""}`,
  )
  .join("\n  UNION ALL\n")}
),
amounts AS (
  SELECT n.request_id, n.applies_to, n.component, n.tier_from, n.pricing_mode, n.unit_quantity, n.rate, n.nano_rate,
    CASE
      WHEN n.token_count IS NULL THEN NULL
      WHEN n.pricing_mode IS NULL THEN n.token_count
      -- marginal: like tax brackets on the component's own count
      WHEN n.pricing_mode = 'marginal'
        THEN GREATEST(LEAST(n.token_count, COALESCE(n.tier_to, n.token_count)) - COALESCE(n.tier_from, 0), 0)
      -- cumulative: every token at the highest tier the prompt size is strictly above
      WHEN (n.tier_from IS NULL OR n.prompt_tokens > n.tier_from) AND (n.tier_to IS NULL OR n.prompt_tokens <= n.tier_to)
        THEN n.token_count
      ELSE 0
    END AS token_quantity
  FROM lines n
),
-- 7. each component's exact cost, rounded once, half to even, to nano-USD
component_sums AS (
  SELECT a.request_id, a.applies_to, a.component,
    SUM(a.token_quantity * a.nano_rate) AS nano_amount,
    SUM(CASE WHEN a.nano_rate IS NULL THEN a.token_quantity * a.rate END) AS token_amount,
    SUM(a.unit_quantity * a.rate) AS unit_amount,
    MAX(a.pricing_mode) AS pricing_mode,
    MAX(a.tier_from) AS top_tier
  FROM amounts a
  WHERE a.token_quantity > 0 OR a.unit_quantity > 0
  GROUP BY a.request_id, a.applies_to, a.component
),
component_exact AS (
  SELECT m.request_id, m.applies_to, m.component, m.pricing_mode, m.top_tier, m.nano_amount, m.unit_amount,
    m.token_amount + COALESCE(m.nano_amount, 0) AS token_amount
  FROM component_sums m
),
component_rounding AS (
  SELECT e.request_id, e.applies_to, e.component, e.pricing_mode, e.top_tier, e.nano_amount, e.token_amount, e.unit_amount,
    CAST(ROUND(e.token_amount, 9) AS ${d.decimal(38, 9)}) AS token_up,
    CAST(ROUND(e.unit_amount, 9) AS ${d.decimal(38, 9)}) AS unit_up
  FROM component_exact e
),
component_costs AS (
  SELECT g.request_id, g.applies_to, g.component, g.pricing_mode, g.top_tier,
    CAST(CASE
      WHEN g.unit_amount IS NOT NULL THEN ${halfEven(d, "g.unit_amount", "g.unit_up")}
      WHEN g.token_amount IS NOT NULL THEN ${halfEven(d, "g.token_amount", "g.token_up")}
      ELSE g.nano_amount
    END AS ${d.decimal(18, 9)}) AS cost
  FROM component_rounding g
),
-- one row per call: its components side by side, the totals, the tier reached and the mode
rounded AS (
  SELECT k.request_id,
${componentSql((c) => `    MAX(CASE WHEN k.applies_to = 'cost' AND k.component = '${c}' THEN k.cost END) AS cost_${c}`)},
    SUM(CASE WHEN k.applies_to = 'cost' THEN k.cost END) AS cost_total,
    SUM(CASE WHEN k.applies_to = 'list' THEN k.cost END) AS list_total,
    MAX(CASE WHEN k.applies_to = 'cost' THEN k.pricing_mode END) AS pricing_mode,
    MAX(CASE WHEN k.applies_to = 'cost' THEN k.top_tier END) AS top_tier
  FROM component_costs k
  GROUP BY k.request_id
)
SELECT
  s.request_id,
  CAST(CAST(s.called_at AS DATE) AS ${d.text}) AS date,
  s.model,
  s.provider_account,
  s.provider,
  s.provider_model,
  s.region,
  CASE WHEN s.cache_hit = 1 THEN 'gateway_cache' WHEN s.cost_unpriced = 1 THEN 'unpriced' ELSE s.cost_source END AS price_source,
  CASE WHEN s.cache_hit = 0 THEN s.cost_ref END AS price_ref,
  CASE WHEN s.cache_hit = 0 AND s.cost_unpriced = 0 THEN r.pricing_mode END AS pricing_mode,
  CASE WHEN s.cache_hit = 0 AND s.cost_unpriced = 0 AND r.pricing_mode IS NOT NULL THEN COALESCE('from ' || CAST(r.top_tier AS ${d.text}), 'base') END AS tier,
  CASE WHEN s.cache_hit = 0 THEN s.unpriced_reason END AS unpriced_reason,
${componentSql((c) => `  CASE WHEN s.cache_hit = 0 AND s.cost_unpriced = 0 THEN CAST(COALESCE(r.cost_${c}, 0) AS ${d.decimal(18, 9)}) END AS ${c}_cost_usd`)},
  CASE
    WHEN s.cache_hit = 1 THEN ${cacheCost}
    WHEN s.cost_unpriced = 0 THEN CAST(COALESCE(r.cost_total, 0) AS ${d.decimal(18, 9)})
  END AS cost_usd,
  CASE
    WHEN s.cache_hit = 1 THEN ${cacheCost}
    WHEN s.declared_cost = 'public' AND s.cost_unpriced = 0 THEN CAST(COALESCE(r.cost_total, 0) AS ${d.decimal(18, 9)})
    WHEN s.declared_cost = 'private' AND s.list_unpriced = 0 THEN CAST(COALESCE(r.list_total, 0) AS ${d.decimal(18, 9)})
  END AS list_cost_usd
FROM status s
LEFT JOIN rounded r ON r.request_id = s.request_id
${d.suffix};
`;
}

/**
 * x rounded half to even to 9 decimals in portable SQL, given `up` = ROUND(x, 9) (half away
 * from zero everywhere, computed once: it is the slow part): an exact tie (|up − x| = 0.5
 * nano) goes to the even neighbour, twice x/2 rounded (x/2 ends in .25 or .75 nano, never
 * a tie; the same below zero, where a reported cost can be). The constants are exact
 * decimals in every dialect: as Float64 (ClickHouse's reading of `0.5`) the tie test misses
 * and x/2 rounds wrongly.
 */
function halfEven(d: SqlDialect, x: string, up: string): string {
  return `CASE WHEN ABS(${up} - ${x}) = ${d.exact("0.0000000005")} THEN 2 * CAST(ROUND(${x} * ${d.exact("0.5")}, 9) AS ${d.decimal(38, 9)}) ELSE ${up} END`;
}
