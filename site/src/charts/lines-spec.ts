import type { TopLevelSpec } from "vega-lite";
import { axisConfig, DAY_TOOLTIP, DAY_X } from "./axis-config.ts";
import { DATA } from "./data.ts";

/** Daily lines, one per key (the top values of a dimension, or reported vs computed); rows of `seriesRows`. */
export function linesSpec(what: string): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: `Daily cost by ${what}`,
    width: "container",
    height: 260,
    autosize: { type: "fit-x", contains: "padding" },
    data: { name: DATA },
    mark: { type: "line", point: { size: 18 }, tooltip: true, strokeWidth: 1.5 },
    encoding: {
      x: DAY_X,
      y: { field: "cost", type: "quantitative", title: "cost (USD)", axis: { format: "$,.2f" } },
      color: {
        field: "key",
        type: "nominal",
        title: what,
        sort: { field: "order", op: "min" },
        legend: { orient: "bottom", columns: 1, labelLimit: 320 },
      },
      tooltip: [DAY_TOOLTIP, { field: "key", type: "nominal", title: what }, { field: "text", type: "nominal", title: "cost (USD)" }],
    },
    config: { view: { stroke: null }, ...axisConfig() },
  } as TopLevelSpec;
}
