import type { DialectName } from "./dialect-names.ts";
import { SQL_DIALECTS } from "./sql-dialect.ts";

/** What one export holds, for its README and the command's summary. */
export interface RateTableCounts {
  accounts: number;
  models: number;
  entries: number;
  rates: number;
}

/**
 * `README.md` of an export folder: what is in it and how to price logs with it on the
 * engine its price_logs.sql is written for. The full reference is docs/export-rates.md.
 */
export function toExportReadme(counts: RateTableCounts, pricingVersion: string, dialect: DialectName): string {
  const d = SQL_DIALECTS[dialect];
  const setup = d.setup.map((step) => (step.startsWith("--") || step.startsWith("\\") ? step : `${step};`)).join("\n");
  return `# Rates for pricing gateway logs on a query engine

Written by \`costs export-rates --dialect ${d.name}\` from the pricing files (\`${pricingVersion}\`): the
same rules \`costs run\` prices with, as a table and one SQL query, for logs too large for
one machine. Priced with these, every row gets the same \`cost_usd\`, \`list_cost_usd\` and
component costs as \`costs run\` gives it, to the nano-USD.

| file | what |
|---|---|
| \`rates.parquet\` | the resolved rate table: ${counts.accounts} accounts, ${counts.models} gateway models, ${counts.entries} price entries, ${counts.rates} rates (per variant, component and tier), rates as exact \`DECIMAL(38,24)\` |
| \`rates.csv\` | the same table as CSV, for engines without a Parquet reader (PostgreSQL): NULL is an empty unquoted field |
| \`price_logs.sql\` | one \`SELECT\` in the ${d.title} dialect over two relations, \`rates\` and \`logs\`: one priced row per log row, money as \`${d.decimal(18, 9)}\` |

## Run it on ${d.title}

1. Load the rate table as the relation \`rates\`.
2. Register your logs as the relation \`logs\`, with the canonical columns the header of
   \`price_logs.sql\` lists. The priced output of \`costs run\` has them
   (\`priced/date=YYYY-MM-DD/part-*.parquet\`, Hive-style partitions); raw logs need the
   same names and types, one row per \`request_id\`, without virtual-model parent rows.
3. Run the query: the file is comment lines and one query ending in \`;\`. Strip the \`;\` to
   wrap it, e.g. in \`CREATE TABLE ... AS\`${d.name === "clickhouse" ? " (keep its `SETTINGS` clause on the outer query)" : ""}.

\`\`\`sql
${setup}
-- then the query of price_logs.sql
\`\`\`

For another engine, export again with \`--dialect duckdb|postgres|clickhouse|spark|trino|bigquery\`:
the rate table is the same, only the SQL's dialect differs (types, exact decimal constants,
settings). The table's columns, the layout, the limits and which engines the query is tested
on are explained in \`docs/export-rates.md\` of the gateway-costs repository.

A row the query cannot price exactly comes back \`unpriced\` with an \`unpriced_reason\`,
never with a wrong number: an unknown model, no price in force for its region and time,
tokens the price has no rate for (as \`costs run\`), and a unit quantity (images, seconds,
...) with more than 9 decimal places (the one case \`costs run\` prices and the query
does not).
`;
}
