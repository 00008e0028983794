/**
 * The metadata keys that get a page and a breakdown file, one per slug. `toSlug` never gives
 * two keys the same slug (its property test); should a slug ever be taken (a hash
 * collision), the later key is left out with a warning rather than overwriting the
 * earlier key's file and page. A key listed twice counts once.
 */
import { toSlug } from "../lib/to-slug.ts";

export function dedupeSlugs(keys: readonly string[], slug: (key: string) => string = toSlug): { keys: string[]; warnings: string[] } {
  const owners = new Map<string, string>();
  const kept: string[] = [];
  const warnings: string[] = [];
  for (const key of keys) {
    const name = slug(key);
    const owner = owners.get(name);
    if (owner === key) continue;
    if (owner !== undefined) {
      warnings.push(
        `metadata keys ${JSON.stringify(owner)} and ${JSON.stringify(key)} have the same file and page name ${JSON.stringify(name)}: only ${JSON.stringify(owner)} gets a page`,
      );
      continue;
    }
    owners.set(name, key);
    kept.push(key);
  }
  return { keys: kept, warnings };
}
