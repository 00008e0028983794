/**
 * The site's one client entry, loaded by every page. Small by itself: sortable and
 * paginated tables and the filter form. Charts (vega-embed) load only on pages with a chart; the cube
 * reader (pipeline/src/cube/) only when a filter or the groupBy builder is first used.
 */
import { enableCopyButtons } from "./copy-buttons.ts";
import { initFilters } from "./filters.ts";
import { initGroupBy } from "./group-by-ui.ts";
import { openForPrint } from "./open-for-print.ts";
import { enablePagination } from "./paginate-table.ts";
import { enableSorting } from "./sort-table.ts";
import { carryFilter } from "./carry-filter.ts";

document.documentElement.classList.add("js");
for (const table of document.querySelectorAll<HTMLTableElement>("table[data-sortable]")) enableSorting(table);
for (const table of document.querySelectorAll<HTMLTableElement>("table[data-page-size]")) enablePagination(table);
for (const form of document.querySelectorAll<HTMLFormElement>("form[data-filters]")) initFilters(form);
for (const root of document.querySelectorAll<HTMLElement>("[data-groupby]")) initGroupBy(root);
enableCopyButtons();
openForPrint();
if (document.querySelector("figure[data-chart]")) {
  void import("./charts.ts").then(({ renderAll }) => renderAll());
}
// A page without the filter form keeps the link's filter on its links and says it is not filtered.
if (!document.querySelector("form[data-filters]")) carryFilter(document.querySelector<HTMLElement>("[data-testid=filter-carried]"));
