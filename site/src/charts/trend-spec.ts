import type { TopLevelSpec } from "vega-lite";
import { axisConfig, DAY_TOOLTIP, DAY_X } from "./axis-config.ts";
import { DATA } from "./data.ts";

/**
 * The overview's daily cost: one stacked bar per day, coloured by model or team. Data
 * comes from the named source `table` (rows of `seriesRows`), so the spec is compiled
 * once at build time and filters only swap the rows.
 */
export function trendSpec(stackBy: string): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: `Daily cost stacked by ${stackBy}`,
    width: "container",
    height: 280,
    autosize: { type: "fit-x", contains: "padding" },
    data: { name: DATA },
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: DAY_X,
      y: { aggregate: "sum", field: "cost", type: "quantitative", title: "cost (USD)", axis: { format: "$,.2f" } },
      color: {
        field: "key",
        type: "nominal",
        title: stackBy,
        sort: { field: "order", op: "min" },
        legend: { orient: "bottom", columns: 1, labelLimit: 320 },
      },
      order: { field: "order", type: "quantitative" },
      tooltip: [DAY_TOOLTIP, { field: "key", type: "nominal", title: stackBy }, { field: "text", type: "nominal", title: "cost (USD)" }],
    },
    config: { view: { stroke: null }, ...axisConfig() },
  } as TopLevelSpec;
}
