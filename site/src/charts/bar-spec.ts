import type { TopLevelSpec } from "vega-lite";
import { NONE_LABEL, nanoToNumber, parseNano } from "../lib/format.ts";
import { costText } from "../lib/unpriced.ts";
import { DATA } from "./data.ts";

export interface BarDatum {
  key: string;
  cost: number;
  /** The value as the tables show it ("$12.34", "unpriced", "$3.20 (25.00% unpriced)"): the tooltip's text, never $0.00 for unpriced calls. */
  text?: string;
}

/** Horizontal bars of the costliest values of a dimension, in the order of the rows (source `table`). */
export function barSpec(what: string, measure = "cost (USD)"): TopLevelSpec {
  const money = measure.includes("USD");
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: `${measure} by ${what}`,
    width: "container",
    height: { step: 22 },
    data: { name: DATA },
    mark: { type: "bar", tooltip: true, color: "#2f6db5" },
    encoding: {
      y: { field: "key", type: "nominal", sort: null, title: null, axis: { labelLimit: 220 } },
      x: { field: "cost", type: "quantitative", title: measure, axis: money ? { format: "$,.2f" } : { format: ",.0f", tickMinStep: 1 } },
      tooltip: [
        { field: "key", type: "nominal", title: what },
        money ? { field: "text", type: "nominal", title: measure } : { field: "cost", type: "quantitative", title: measure, format: "," },
      ],
    },
    config: { view: { stroke: null } },
  } as TopLevelSpec;
}

/** The `top` first rows of a breakdown (already costliest first) as bars. */
export function toBars(
  rows: { key: string | null; cost_usd: string; requests?: number; unpriced_requests?: number }[],
  top = 15,
): BarDatum[] {
  return rows.slice(0, top).map((r) => ({
    key: r.key ?? NONE_LABEL,
    cost: nanoToNumber(parseNano(r.cost_usd)),
    text: costText(r.cost_usd, { requests: r.requests ?? 0, unpriced_requests: r.unpriced_requests ?? 0 }),
  }));
}
