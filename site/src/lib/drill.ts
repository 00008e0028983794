/**
 * Drill-down links of breakdown tables: each row's key links to the overview filtered by
 * that value (`?user=<value>`, `?model=`, `?team=`, `?mk=<slug>&mv=<value>`). Values come
 * from logs: they only ever go through URLSearchParams (percent-encoded), and the link
 * always starts with the site's own path, so no value can make it point elsewhere.
 * Shared by the build (DataTable.astro) and the browser (render-table.ts).
 */
import { toSlug } from "../../../pipeline/src/lib/to-slug.ts";

/** The value a filter link carries for a null key ("(none)"), as the filter form does. */
export const NULL_PARAM = "\u2400";

/** The filter parameters a drill-down link keeps from the current page's URL. */
const CARRIED = ["from", "to", "team", "model", "user", "mk", "mv"] as const;

export interface Drill {
  /** The page linked to (already under the site's base path). */
  path: string;
  /** Parameters every link of the table has (`mk` of a metadata key). */
  fixed: Record<string, string>;
  /** The parameter that receives the row's key. */
  param: string;
}

/** How rows of the breakdown of `dimension` link to the overview at `overview`. */
export function drillFor(dimension: string, overview: string): Drill {
  if (dimension.startsWith("metadata.")) return { path: overview, fixed: { mk: toSlug(dimension.slice("metadata.".length)) }, param: "mv" };
  return { path: overview, fixed: {}, param: dimension };
}

/**
 * The link of one row. `current` (the page's query) carries the filters already applied,
 * so a drill-down narrows the view rather than starting again; the row's own parameters win.
 */
export function drillHref(drill: Drill, key: string | null, current?: string): string {
  const params = new URLSearchParams();
  if (current) {
    const from = new URLSearchParams(current);
    for (const name of CARRIED) {
      const v = from.get(name);
      if (v !== null && v !== "") params.set(name, v);
    }
    // A metadata value belongs to its key: drilling into another key drops the old value.
    if (drill.param === "mv" || drill.fixed.mk !== undefined) params.delete("mv");
  }
  for (const [name, v] of Object.entries(drill.fixed)) params.set(name, v);
  params.set(drill.param, key ?? NULL_PARAM);
  return `${drill.path}?${params.toString()}`;
}
