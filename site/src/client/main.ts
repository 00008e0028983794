/**
 * The site's one client entry, loaded by every page. Small by itself: sortable tables
 * and the filter form. Charts (vega-embed) load only on pages with a chart; the cube
 * (hyparquet + Arquero) only when a filter or the groupBy builder is first used.
 */
import { carryFilter } from "./carry-filter.ts";
import { initFilters } from "./filters.ts";
import { initGroupBy } from "./group-by-ui.ts";
import { enableSorting } from "./sort-table.ts";

document.documentElement.classList.add("js");
for (const table of document.querySelectorAll<HTMLTableElement>("table[data-sortable]")) enableSorting(table);
const forms = document.querySelectorAll<HTMLFormElement>("form[data-filters]");
for (const form of forms) initFilters(form);
// A page without the form keeps the filter of the link on its links and says it is not filtered.
if (forms.length === 0) carryFilter(document.querySelector<HTMLElement>("[data-testid=filter-carried]"));
for (const root of document.querySelectorAll<HTMLElement>("[data-groupby]")) initGroupBy(root);
if (document.querySelector("figure[data-chart]")) {
  void import("./charts.ts").then(({ renderAll }) => renderAll());
}
