/**
 * The groupBy builder's CSV file name: the fields in column order, then the filter that
 * applied, e.g. `cost-by-team-model_2026-06-01_2026-06-30_team-ml.csv`. Log values are
 * attacker-controlled: each part keeps only ASCII letters, digits, `_` and `-` (any other
 * run becomes `_`) and at most 40 characters, so a value cannot add a path, an extension
 * or markup. An absent value is `none`; a metadata filter is named by its key.
 */
import type { CubeFilter } from "./cube-query.ts";

const MAX_PART = 40;

export function safePart(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, MAX_PART);
}

/** `window`: the filter's dates, given only when a date filter applied. */
export function extractFileName(fields: string[], filter: CubeFilter, window?: { from: string; to: string }): string {
  const parts = [`cost-by-${fields.length ? fields.map(safePart).join("-") : "total"}`];
  if (window) parts.push(safePart(window.from), safePart(window.to));
  for (const [column, value] of Object.entries(filter.equals)) {
    const name = column.startsWith("metadata.") ? column.slice("metadata.".length) : column;
    parts.push(`${safePart(name)}-${value === null ? "none" : safePart(value)}`);
  }
  return `${parts.join("_")}.csv`;
}
