/**
 * The filter form's first suggestions, from the breakdowns (costliest first), the cube's
 * columns and its shards. The suggestions are only a start: typing searches every value of
 * the cube (of a sharded dimension: every row of its breakdown table).
 */
import { breakdownFile } from "../../../pipeline/src/site-data/breakdown-file.ts";
import type { CubeParts } from "../client/load-cube.ts";
import { href } from "../lib/paths.ts";
import { tableRowsPath } from "../lib/table-rows.ts";
import { loadBreakdown, loadDownloads, loadSummary } from "./load.ts";

/** Suggestions shipped in the page per field; the rest come from the cube as the user types. */
const LIMIT = 20;

export function filterOptions() {
  const summary = loadSummary();
  const downloads = loadDownloads();
  const keys = (dimension: string) =>
    loadBreakdown(dimension)
      .rows.slice(0, LIMIT)
      .map((r) => r.key);
  return {
    from: summary.period.from,
    to: summary.period.to,
    teams: keys("team"),
    models: keys("model"),
    users: keys("user"),
    metadataKeys: summary.metadata_keys.filter((k) => downloads.cube.dimensions.includes(`metadata.${k}`)),
    cube: href(downloads.cube.href),
    cubeParts: {
      href: href(downloads.cube.href),
      rows: downloads.cube.rows,
      shards: downloads.cube.shards.map((s) => ({
        dimension: s.dimension,
        count: s.count,
        href: href(s.href),
        rows: s.rows,
        values: href(tableRowsPath(breakdownFile(s.dimension))),
      })),
      projections: downloads.cube.projections.map((p) => ({ dimensions: p.dimensions, href: href(p.href), rows: p.rows })),
    } satisfies CubeParts,
  };
}
