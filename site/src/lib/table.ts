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
import { allUnpriced, costText, listCostText, type PricedCount } from "./unpriced.ts";

/**
 * `cost`, `list-cost` and `computed` (exact cost) are money columns read with their row's
 * `requests` and `unpriced_requests` (lib/unpriced.ts): "unpriced" / "no list price", never $0.00.
 */
export type ColumnKind =
  | "key"
  | "text"
  | "code"
  | "int"
  | "usd"
  | "usd-exact"
  | "cost"
  | "list-cost"
  | "computed"
  | "share"
  | "change"
  | "list"
  | "time"
  | "rate-1m";

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

const NUMERIC = new Set<ColumnKind>(["int", "usd", "usd-exact", "cost", "list-cost", "computed", "share", "change", "rate-1m"]);

export function isNumeric(kind: ColumnKind): boolean {
  return NUMERIC.has(kind);
}

/** The requests of a row and how many are unpriced (absent: none). */
function countOf(row: Record<string, unknown> | undefined): PricedCount {
  return { requests: Number(row?.requests ?? 0), unpriced_requests: Number(row?.unpriced_requests ?? 0) };
}

/** Sort key of a money cell: all-unpriced rows sort below every cost (−1 nano-USD is never a real cost there). */
function costSort(raw: string, count: PricedCount): string {
  return allUnpriced(count) ? "-1" : parseNano(raw).toString();
}

/** A cell; `row` is the whole row, which `cost`, `list-cost` and `computed` cells read (lib/unpriced.ts). */
export function cell(kind: ColumnKind, raw: unknown, row?: Record<string, unknown>): Cell {
  const numeric = NUMERIC.has(kind);
  if ((raw === null || raw === undefined) && kind === "computed" && countOf(row).unpriced_requests > 0) {
    return { text: costText("0.000000000", countOf(row), true), value: "", sort: "-1", numeric, none: false };
  }
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
    case "cost":
    case "computed": {
      const count = countOf(row);
      const text = costText(raw as string, count, kind === "computed");
      return { text, value: raw as string, sort: costSort(raw as string, count), numeric, none: false };
    }
    case "list-cost": {
      const count = countOf(row);
      const text = listCostText(raw as string, (row?.cost_usd as string | undefined) ?? "0.000000000", count);
      return { text, value: raw as string, sort: costSort(raw as string, count), numeric, none: false };
    }
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
    // Cost right after the key, so a phone (375 px) shows it without scrolling sideways.
    { key: "key", label, kind: "key" },
    { key: "cost_usd", label: "cost", kind: "cost", hint: "exact value in the cell's data-value; unpriced calls are not in it" },
    { key: "share", label: "share of cost", kind: "share" },
    { key: "list_cost_usd", label: "list cost", kind: "list-cost", hint: "the same calls at public list prices, where known" },
    { key: "requests", label: "requests", kind: "int" },
    { key: "unpriced_requests", label: "unpriced", kind: "int", hint: "calls that could not be priced (not in cost)" },
    { key: "input_tokens", label: "input tokens", kind: "int" },
    { key: "output_tokens", label: "output tokens", kind: "int" },
  ];
}
