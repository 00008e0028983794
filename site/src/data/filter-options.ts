/**
 * The filter form's first suggestions, from the breakdowns (costliest first), and the cube's
 * columns. The suggestions are only a start: typing searches every value of the cube.
 */
import { href } from "../lib/paths.ts";
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
  };
}
