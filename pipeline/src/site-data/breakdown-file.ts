/**
 * The file name of a breakdown in `site/.data/`, for `costs site-data` (writer) and the
 * site (reader): `breakdown-user.json`, `breakdown-model.json`, `breakdown-team.json` and
 * `breakdown-metadata.<slug>.json`, the slug of `lib/to-slug.ts` (metadata keys come from
 * clients: the name never leaves its folder, and two keys never share a file). No `node:`
 * import: the site imports it.
 */
import { toSlug } from "../lib/to-slug.ts";

export const BREAKDOWN_DIMENSIONS = ["user", "model", "team"] as const;

const METADATA = "metadata.";

export function breakdownFile(dimension: string): string {
  if (dimension.startsWith(METADATA)) return `breakdown-metadata.${toSlug(dimension.slice(METADATA.length))}.json`;
  if ((BREAKDOWN_DIMENSIONS as readonly string[]).includes(dimension)) return `breakdown-${dimension}.json`;
  throw new Error(`no breakdown of ${JSON.stringify(dimension)}: a breakdown is of ${BREAKDOWN_DIMENSIONS.join(", ")} or metadata.<key>`);
}
