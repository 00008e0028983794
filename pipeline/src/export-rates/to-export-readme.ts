/** What one export holds, for its README and the command's summary. */
export interface RateTableCounts {
  accounts: number;
  models: number;
  entries: number;
  rates: number;
}

/**
 * `README.md` of an export folder: what is in it and how to price logs with it on a
 * query engine. The full reference is docs/export-rates.md.
 */
export function toExportReadme(counts: RateTableCounts, pricingVersion: string): string {
  return `# Rates for pricing gateway logs on a query engine

Written by \`costs export-rates\` from the pricing files (\`${pricingVersion}\`): the same
rules \`costs run\` prices with, as a table and one SQL query, for logs too large for one
machine. Priced with these, every row gets the same \`cost_usd\`, \`list_cost_usd\` and
component costs as \`costs run\` gives it, to the nano-USD.

| file | what |
|---|---|
| \`rates.parquet\` | the resolved rate table: ${counts.accounts} accounts, ${counts.models} gateway models, ${counts.entries} price entries, ${counts.rates} rates (per variant, component and tier), rates as exact \`DECIMAL(38,24)\` |
| \`price_logs.sql\` | one \`SELECT\` (ANSI SQL with CTEs) over two relations, \`rates\` and \`logs\`: one priced row per log row, money as \`DECIMAL(18,9)\` |

## Run it

1. Load \`rates.parquet\` as the relation \`rates\`.
2. Register your logs as the relation \`logs\`, with the canonical columns the header of
   \`price_logs.sql\` lists. The priced output of \`costs run\` has them
   (\`priced/date=YYYY-MM-DD/part-*.parquet\`, Hive-style partitions); raw logs need the
   same names and types, one row per \`request_id\`, without virtual-model parent rows.
3. Run the query: the file is comment lines and one query ending in \`;\`. Strip the \`;\` to
   wrap it, e.g. in \`COPY (...) TO\` or \`CREATE TABLE ... AS\`.

DuckDB:

\`\`\`sql
SET TimeZone = 'UTC';
CREATE VIEW rates AS SELECT * FROM read_parquet('rates.parquet');
CREATE VIEW logs AS SELECT * FROM read_parquet('data/priced/date=*/*.parquet', hive_partitioning = true);
.read price_logs.sql
\`\`\`

Spark SQL (\`spark.sql.decimalOperations.allowPrecisionLoss=false\`,
\`spark.sql.session.timeZone=UTC\`, \`VARCHAR\` → \`STRING\` in the query):

\`\`\`sql
CREATE TEMPORARY VIEW rates USING parquet OPTIONS (path 'rates.parquet');
CREATE TEMPORARY VIEW logs USING parquet OPTIONS (path 'data/priced');
\`\`\`

Trino and BigQuery: create external tables over the same files; BigQuery reads the rates
as \`BIGNUMERIC\` (replace \`DECIMAL(p, s)\` with \`BIGNUMERIC(p, s)\` and \`VARCHAR\` with
\`STRING\` in the query). The three places a dialect differs are listed at the top of
\`price_logs.sql\`; the table's columns, the layout and the limits are explained in
\`docs/export-rates.md\` of the gateway-costs repository.

A row the query cannot price exactly comes back \`unpriced\` with an \`unpriced_reason\`,
never with a wrong number: an unknown model, no price in force for its region and time,
tokens the price has no rate for (as \`costs run\`), and a unit quantity (images, seconds,
...) with more than 9 decimal places (the one case \`costs run\` prices and the query
does not).
`;
}
