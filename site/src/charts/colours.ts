/**
 * Stable colours per key. The costliest keys of the whole period (one per palette colour)
 * get the palette in rank order (`rankColours`, computed at build time and carried in the
 * chart's payload), so the keys a chart usually shows never share a colour; any other key
 * gets a colour from a hash of the key. Neither depends on a filter, so a key keeps its
 * colour after filtering and on every page that charts the same dimension. "(other)" and
 * "(none)" are fixed greys the palette does not use. Hashed keys can share a colour; the
 * legend, tooltip and text alternative still name each key.
 */
import { NONE_LABEL } from "../lib/format.ts";

export const OTHER_LABEL = "(other)";

/** Tableau 20 without its greys and near-duplicates, and two dark hues: 18 distinct colours. */
export const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#a0cbe8",
  "#ffbe7d",
  "#8cd17d",
  "#b6992d",
  "#499894",
  "#d37295",
  "#d4a6c8",
  "#6b4c9a",
  "#2f4b7c",
] as const;

/** Colours of the whole period's costliest keys (chart labels → colour), set at build time. */
export type Colours = Record<string, string>;

export const OTHER_COLOUR = "#8c8c8c";
export const NONE_COLOUR = "#c7c7c7";

/** FNV-1a (32 bits) over the key's UTF-16 code units: the same in Node and every browser. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The colour of a key as charts label it ("(other)" and "(none)" are the buckets, not log values). */
export function colourOf(label: string, colours?: Colours): string {
  if (label === OTHER_LABEL) return OTHER_COLOUR;
  if (label === NONE_LABEL) return NONE_COLOUR;
  if (colours && Object.hasOwn(colours, label)) return colours[label]!;
  return PALETTE[hash(label) % PALETTE.length]!;
}

/** The palette in rank order for the first keys (costliest first); null and buckets keep their greys. */
export function rankColours(keys: Iterable<string | null>): Colours {
  const entries: [string, string][] = [];
  for (const key of keys) {
    if (entries.length >= PALETTE.length) break;
    if (key === null) continue;
    entries.push([keyLabel(key), PALETTE[entries.length]!]);
  }
  // fromEntries defines own properties: a key named "__proto__" is a key like any other.
  return Object.fromEntries(entries);
}

/**
 * How a chart names a key: null is "(none)"; a log value that is literally "(none)" or
 * "(other)" is shown in quotes, so it is never taken for the null bucket or the rest.
 */
export function keyLabel(key: string | null): string {
  if (key === null) return NONE_LABEL;
  return key === NONE_LABEL || key === OTHER_LABEL ? `“${key}”` : key;
}
