/**
 * Every row of a budget rule's table on the Budgets page (`tables/budget-<rule index>.json`),
 * for the client's search and pages (client/paginate-table.ts), in the compact shape of
 * lib/table-rows.ts: one array per row in the order of `columns`.
 */
import type { APIRoute } from "astro";
import { loadBudgets } from "../../data/load.ts";
import { BUDGET_COLUMNS, budgetRows } from "../../lib/budget-rows.ts";

export function getStaticPaths() {
  return loadBudgets().rules.map((rule, i) => ({ params: { rule: String(i) }, props: { rule } }));
}

export const GET: APIRoute = ({ props }) => {
  const { rule } = props as { rule: ReturnType<typeof loadBudgets>["rules"][number] };
  const columns = BUDGET_COLUMNS.map((c) => c.key);
  const rows = budgetRows(rule).map((r) => columns.map((c) => r[c]));
  return new Response(JSON.stringify({ dimension: rule.applies_to, columns, rows }), { headers: { "content-type": "application/json" } });
};
