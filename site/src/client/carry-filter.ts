/**
 * Filter state across pages. The filter lives in the URL query (`?team=payments&from=…`);
 * every link marked `data-filterable` (the navigation, "All models →", the metadata keys)
 * carries it. A page without the filter form (Metadata's list of keys, Issues, Prices,
 * Reconciliation, Downloads, Methodology) cannot apply it: it says which filter came with
 * the link, that its own figures cover the whole period, and offers a link that clears
 * it, and its links keep carrying it to the pages that can apply it. A page can say more
 * precisely what is and is not filtered (`data-note`, Base.astro's `filterNote`): Downloads
 * says its files are whole-period and its extract builder starts with the link's filter.
 */
import { NONE_LABEL } from "../lib/format.ts";

/** The query parameters of the filter form, in the order they are described. */
export const FILTER_FIELDS = ["from", "to", "team", "model", "user", "mk", "mv"] as const;
/** An absent value in the URL ("␀"); the form shows it as "(none)". */
export const NULL_PARAM = "\u2400";

/** The filter part of a query string ("" when none). */
export function filterQuery(search: string): string {
  const params = new URLSearchParams(search);
  const kept = new URLSearchParams();
  for (const name of FILTER_FIELDS) {
    const v = params.get(name);
    if (v !== null && v !== "") kept.set(name, v);
  }
  return kept.toString();
}

/** Sets the filter query on every `a[data-filterable]` (other query parameters are replaced, the hash kept). */
export function carryToLinks(query: string): void {
  for (const link of document.querySelectorAll<HTMLAnchorElement>("a[data-filterable]")) {
    const url = new URL(link.href, location.href);
    url.search = query;
    link.href = url.toString();
  }
}

/** On a page without the filter form: says which filter came with the link and keeps it on the links. */
export function carryFilter(banner: HTMLElement | null): void {
  const query = filterQuery(location.search);
  if (!query) return;
  carryToLinks(query);
  if (!banner) return;
  const params = new URLSearchParams(query);
  const keys = new Map(JSON.parse(banner.dataset.metadataKeys ?? "[]") as [string, string][]);
  const shown = (v: string) => (v === NULL_PARAM ? NONE_LABEL : v);
  const parts: string[] = [];
  if (params.has("from") || params.has("to")) parts.push(`${params.get("from") ?? "start"} to ${params.get("to") ?? "end"}`);
  for (const name of ["team", "model", "user"] as const) if (params.has(name)) parts.push(`${name} = ${shown(params.get(name)!)}`);
  if (params.has("mv")) {
    const slug = params.get("mk") ?? "";
    parts.push(`metadata.${keys.get(slug) ?? slug} = ${shown(params.get("mv")!)}`);
  }
  const strong = document.createElement("strong");
  strong.textContent = `Filter from the link: ${parts.join("; ") || "none"}.`;
  const clear = document.createElement("a");
  clear.href = `${location.pathname}${location.hash}`;
  clear.dataset.testid = "filter-clear";
  clear.textContent = "Clear the filter";
  clear.addEventListener("click", () => carryToLinks(""));
  const note =
    banner.dataset.note ??
    "This page is not filtered: its figures cover the whole period (whole period, not filtered). The pages with a filter form (Overview, Users, Models, Teams, each metadata key) apply it when you go back to them.";
  banner.replaceChildren(strong, ` ${note} `, clear, ".");
  banner.hidden = false;
}
