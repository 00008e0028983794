import type { TopLevelSpec } from "vega-lite";
import { axisConfig, DAY_TOOLTIP, DAY_X } from "./axis-config.ts";
import { DATA } from "./data.ts";

/**
 * A budget's burn-down (the Budgets page): per scope value its cumulative spend by day of
 * the current period (solid line, `kind` "spent"), its run-rate forecast from the last day
 * to the period's end (dashed, "forecast"), and the limit as a horizontal rule ("limit").
 * Rows of `burndownRows`; money is drawn from floats, every label comes from exact text.
 */
export function burndownSpec(what: string): TopLevelSpec {
  const x = DAY_X;
  const y = { field: "usd", type: "quantitative", title: "cumulative spend (USD)", axis: { format: "$,.2f" } };
  const color = {
    field: "key",
    type: "nominal",
    title: what,
    sort: { field: "order", op: "min" },
    legend: { orient: "bottom", columns: 1, labelLimit: 320 },
  };
  const tooltip = [
    DAY_TOOLTIP,
    { field: "key", type: "nominal", title: what },
    { field: "label", type: "nominal", title: "figure" },
    { field: "text", type: "nominal", title: "USD" },
  ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: `Burn-down of ${what}`,
    width: "container",
    height: 260,
    autosize: { type: "fit-x", contains: "padding" },
    data: { name: DATA },
    layer: [
      {
        transform: [{ filter: "datum.kind === 'spent'" }],
        mark: { type: "line", point: { size: 18 }, tooltip: true, strokeWidth: 1.5 },
        encoding: { x, y, color, tooltip },
      },
      {
        transform: [{ filter: "datum.kind === 'forecast'" }],
        mark: { type: "line", strokeDash: [6, 4], tooltip: true, strokeWidth: 1.5 },
        encoding: { x, y, color, detail: { field: "key" }, tooltip },
      },
      {
        transform: [{ filter: "datum.kind === 'limit'" }],
        mark: { type: "rule", color: "#b22222", strokeWidth: 2, tooltip: true },
        encoding: {
          y: { field: "usd", type: "quantitative" },
          tooltip: [
            { field: "label", type: "nominal", title: "figure" },
            { field: "text", type: "nominal", title: "USD" },
          ],
        },
      },
    ],
    config: { view: { stroke: null }, ...axisConfig() },
  } as TopLevelSpec;
}
