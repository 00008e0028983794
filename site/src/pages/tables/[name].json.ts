/**
 * Every row of each breakdown table, for the client's search and pages
 * (client/paginate-table.ts): `tables/breakdown-user.json`, `tables/breakdown-metadata.<slug>.json`
 * (the names of `breakdownFile`). The pages write only their first page of rows; this file
 * is fetched on the first search, page change or sort. Compact: one array per row, in the
 * order of `columns`, so 50,000 values stay a few MB before gzip.
 */
import type { APIRoute } from "astro";
import { loadBreakdown, loadSummary } from "../../data/load.ts";
import { breakdownFile, BREAKDOWN_DIMENSIONS } from "../../../../pipeline/src/site-data/breakdown-file.ts";
import { TABLE_ROW_COLUMNS } from "../../lib/table-rows.ts";

export function getStaticPaths() {
  const dimensions = [...BREAKDOWN_DIMENSIONS, ...loadSummary().metadata_keys.map((k) => `metadata.${k}`)];
  return dimensions.map((dimension) => ({ params: { name: breakdownFile(dimension).replace(/\.json$/, "") }, props: { dimension } }));
}

export const GET: APIRoute = ({ props }) => {
  const { dimension } = props as { dimension: string };
  const { rows } = loadBreakdown(dimension);
  const body = { dimension, columns: TABLE_ROW_COLUMNS, rows: rows.map((r) => TABLE_ROW_COLUMNS.map((c) => r[c])) };
  return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
};
