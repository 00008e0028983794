/**
 * Every value of one cube column, costliest first, for the filter inputs: the suggestions
 * shown as the user types (all values are searched, not the few the page ships) and the
 * check of a value that came with a link. `null` is an absent value, shown and typed as
 * "(none)" (NONE_LABEL); a value that is literally "(none)" is therefore reached only
 * through the tables, never typed.
 */
import { NONE_LABEL } from "../lib/format.ts";

export interface ColumnValues {
  /** How many distinct values the column has (null counts as one). */
  size: number;
  has(value: string | null): boolean;
  /** Values containing `text` (case-insensitive), those starting with it first, costliest first within each; at most `limit`. */
  search(text: string, limit?: number): (string | null)[];
}

export function columnValues(values: readonly (string | null)[]): ColumnValues {
  const set = new Set(values);
  const folded = values.map((v) => (v ?? NONE_LABEL).toLowerCase());
  return {
    size: set.size,
    has: (value) => set.has(value),
    search(text, limit = 50) {
      const needle = text.toLowerCase();
      if (needle === "") return values.slice(0, limit);
      const starts: (string | null)[] = [];
      const contains: (string | null)[] = [];
      for (let i = 0; i < values.length && starts.length < limit; i++) {
        const at = folded[i]!.indexOf(needle);
        if (at === 0) starts.push(values[i]!);
        else if (at > 0 && contains.length < limit) contains.push(values[i]!);
      }
      return [...starts, ...contains].slice(0, limit);
    },
  };
}

/** The text of a filter input as a cube value: "" is no filter, "(none)" is an absent value. */
export function fromInput(text: string): string | null | undefined {
  if (text === "") return undefined;
  return text === NONE_LABEL ? null : text;
}
