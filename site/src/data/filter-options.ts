/** The choices of the filter form, from the breakdowns (costliest first) and the cube's columns. */
import { href } from "../lib/paths.ts";
import { loadBreakdown, loadDownloads, loadSummary } from "./load.ts";

const LIMIT = 500;

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
