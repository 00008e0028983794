import type { TopLevelSpec } from "vega-lite";
import { axisConfig } from "./axis-config.ts";
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
      x: {
        field: "date",
        type: "temporal",
        timeUnit: "utcyearmonthdate",
        title: null,
        axis: { format: "%b %d", labelAngle: 0, labelOverlap: true },
        scale: { type: "utc" },
      },
      y: { field: "cost", type: "quantitative", title: "cost (USD)", axis: { format: "$,.2f" } },
      color: {
        field: "key",
        type: "nominal",
        title: what,
        sort: { field: "order", op: "min" },
        legend: { orient: "bottom", columns: 1, labelLimit: 320 },
      },
      tooltip: [
        { field: "date", type: "temporal", timeUnit: "utcyearmonthdate", title: "date", format: "%Y-%m-%d" },
        { field: "key", type: "nominal", title: what },
        { field: "text", type: "nominal", title: "cost (USD)" },
      ],
    },
    config: { view: { stroke: null }, ...axisConfig() },
  } as TopLevelSpec;
}
