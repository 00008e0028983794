/**
 * Table cells, shared by the build (DataTable.astro) and the browser (filters re-render
 * rows from the cube with the same columns): display text, the exact value (data-value)
 * and a sort key (data-sort: an integer or text).
 */
import { perMillion } from "./rates.ts";
import {
  NONE_LABEL,
  formatChange,
  formatInt,
  formatShare,
  formatTimestamp,
  formatUsd,
  formatUsdExact,
  parseNano,
  shareSortKey,
} from "./format.ts";

export type ColumnKind = "key" | "text" | "code" | "int" | "usd" | "usd-exact" | "share" | "change" | "list" | "time" | "rate-1m";

export interface TableColumn {
  key: string;
  label: string;
  kind: ColumnKind;
  /** Short explanation shown as the header's title. */
  hint?: string;
}

export interface Cell {
  text: string;
  value: string;
  sort: string;
  numeric: boolean;
  none: boolean;
}

const NUMERIC = new Set<ColumnKind>(["int", "usd", "usd-exact", "share", "change", "rate-1m"]);

export function isNumeric(kind: ColumnKind): boolean {
  return NUMERIC.has(kind);
}

export function cell(kind: ColumnKind, raw: unknown): Cell {
  const numeric = NUMERIC.has(kind);
  if (raw === null || raw === undefined) {
    const text =
      kind === "key"
        ? NONE_LABEL
        : numeric && kind !== "share" && kind !== "change"
          ? "—"
          : kind === "share" || kind === "change"
            ? "n/a"
            : "";
    return { text, value: "", sort: "", numeric, none: kind === "key" };
  }
  switch (kind) {
    case "int":
      return { text: formatInt(raw as number), value: String(raw), sort: String(raw), numeric, none: false };
    case "usd":
      return { text: formatUsd(raw as string), value: raw as string, sort: parseNano(raw as string).toString(), numeric, none: false };
    case "usd-exact":
      return { text: formatUsdExact(raw as string), value: raw as string, sort: parseNano(raw as string).toString(), numeric, none: false };
    case "share":
      return { text: formatShare(raw as string), value: raw as string, sort: shareSortKey(raw as string), numeric, none: false };
    case "change":
      return { text: formatChange(raw as string), value: raw as string, sort: shareSortKey(raw as string), numeric, none: false };
    case "rate-1m":
      return { text: `$${perMillion(raw as string)}`, value: raw as string, sort: raw as string, numeric, none: false };
    case "list": {
      const text = (raw as string[]).join(", ");
      return { text, value: text, sort: text, numeric, none: false };
    }
    case "time":
      return { text: formatTimestamp(raw as string), value: raw as string, sort: raw as string, numeric, none: false };
    default:
      return { text: String(raw), value: String(raw), sort: String(raw), numeric, none: false };
  }
}

/** The columns of a breakdown table (breakdown-*.json rows, or the same computed from the cube). */
export function breakdownColumns(label: string): TableColumn[] {
  return [
    { key: "key", label, kind: "key" },
    { key: "requests", label: "requests", kind: "int" },
    { key: "input_tokens", label: "input tokens", kind: "int" },
    { key: "output_tokens", label: "output tokens", kind: "int" },
    { key: "cost_usd", label: "cost", kind: "usd", hint: "exact value in the cell's data-value" },
    { key: "list_cost_usd", label: "list cost", kind: "usd", hint: "the same calls at public list prices, where known" },
    { key: "share", label: "share of cost", kind: "share" },
    { key: "unpriced_requests", label: "unpriced", kind: "int", hint: "calls that could not be priced (not in cost)" },
  ];
}
