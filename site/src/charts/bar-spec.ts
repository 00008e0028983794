import type { TopLevelSpec } from "vega-lite";
import { NONE_LABEL, nanoToNumber, parseNano } from "../lib/format.ts";
import { DATA } from "./data.ts";

export interface BarDatum {
  key: string;
  cost: number;
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
        { field: "cost", type: "quantitative", title: measure, format: money ? "$,.4f" : "," },
      ],
    },
    config: { view: { stroke: null } },
  } as TopLevelSpec;
}

/** The `top` first rows of a breakdown (already costliest first) as bars. */
export function toBars(rows: { key: string | null; cost_usd: string }[], top = 15): BarDatum[] {
  return rows.slice(0, top).map((r) => ({ key: r.key ?? NONE_LABEL, cost: nanoToNumber(parseNano(r.cost_usd)) }));
}
