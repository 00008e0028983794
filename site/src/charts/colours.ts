/**
 * Stable colours per key: a key's colour comes from a hash of the key into a fixed
 * palette, so it keeps its colour after filtering, on every page and from night to night.
 * "(other)" and "(none)" are fixed greys the palette does not use. Two keys can share a
 * palette colour (a hash has collisions); the legend, tooltip and text alternative still
 * name each key.
 */
import { NONE_LABEL } from "../lib/format.ts";

export const OTHER_LABEL = "(other)";

/** Tableau 20 without its greys: 18 colours. */
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
  "#ff9d9a",
  "#8cd17d",
  "#b6992d",
  "#499894",
  "#86bcb6",
  "#d37295",
  "#d4a6c8",
] as const;

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
export function colourOf(label: string): string {
  if (label === OTHER_LABEL) return OTHER_COLOUR;
  if (label === NONE_LABEL) return NONE_COLOUR;
  return PALETTE[hash(label) % PALETTE.length]!;
}

/**
 * How a chart names a key: null is "(none)"; a log value that is literally "(none)" or
 * "(other)" is shown in quotes, so it is never taken for the null bucket or the rest.
 */
export function keyLabel(key: string | null): string {
  if (key === null) return NONE_LABEL;
  return key === NONE_LABEL || key === OTHER_LABEL ? `“${key}”` : key;
}
