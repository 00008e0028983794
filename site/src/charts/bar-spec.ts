import type { TopLevelSpec } from "vega-lite";
import { formatInt, formatUsd, nanoToNumber, parseNano } from "../lib/format.ts";
import { costText, type PricedCount } from "../lib/unpriced.ts";
import { axisConfig } from "./axis-config.ts";
import { keyLabel, OTHER_LABEL } from "./colours.ts";
import { DATA } from "./data.ts";

export interface BarDatum {
  /** The key as the chart names it (`keyLabel`; "(other)" for the rest). */
  key: string;
  /** Bar length: USD (float, drawing only) or a count. */
  cost: number;
  /**
   * The value as the tables show it ("$1,234.57", "1,204", "unpriced", "$3.20 (25.00%
   * unpriced)"), for the tooltip: never $0.00 for unpriced calls.
   */
  text: string;
}

/** How many bars a chart shows before the rest become one "(other)" bar. */
export const TOP_BARS = 10;

/** Colours of a signed (variance) chart: computed above reported, and below. */
export const SIGN = {
  above: { label: "above reported", colour: "#b2472f" },
  below: { label: "below reported", colour: "#2f6db5" },
} as const;

/**
 * Horizontal bars in the order of the rows (source `table`), each in its key's colour
 * (`colour`, added to the rows when drawn: `chartRows`). Signed bars (a variance) are coloured by sign, with a legend and a
 * labelled rule at $0. Long labels are cut with "…"; the tooltip has the full key.
 */
export function barSpec(what: string, measure = "cost (USD)", signed = false): TopLevelSpec {
  const money = measure.includes("USD");
  const x = {
    field: "cost",
    type: "quantitative",
    title: measure,
    scale: { zero: true, nice: true },
    axis: money ? { format: "$,.2f", tickCount: 5 } : { format: ",.0f", tickMinStep: 1 },
  };
  // Labels take at most 40 % of the chart (phones keep room for the bars), cut with "…".
  const y = {
    field: "key",
    type: "nominal",
    sort: null,
    title: null,
    axis: { labelLimit: { expr: "clamp(containerSize()[0] * 0.4, 90, 240)" } },
  };
  const tooltip = [
    { field: "key", type: "nominal", title: what },
    { field: "text", type: "nominal", title: measure },
  ];
  const colour = signed
    ? {
        field: "sign",
        type: "nominal",
        title: "computed",
        scale: { domain: [SIGN.above.label, SIGN.below.label], range: [SIGN.above.colour, SIGN.below.colour] },
        legend: { orient: "top", direction: "horizontal", labelLimit: 0 },
      }
    : { field: "colour", type: "nominal", scale: null, legend: null };
  const bars = {
    mark: { type: "bar", tooltip: true },
    encoding: { y, x, color: colour, tooltip },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: `${measure} by ${what}`,
    width: "container",
    height: { step: 22 },
    data: { name: DATA },
    ...(signed
      ? {
          transform: [{ calculate: `datum.cost >= 0 ? '${SIGN.above.label}' : '${SIGN.below.label}'`, as: "sign" }],
          // The $0 line, labelled above the bars (an axis label there can be dropped for overlap on a phone).
          layer: [
            bars,
            { mark: { type: "rule", color: "#1c2430" }, encoding: { x: { datum: 0, type: "quantitative" } } },
            {
              mark: { type: "text", text: money ? "$0.00" : "0", baseline: "bottom", dy: -2, fontSize: 12, color: "#1c2430" },
              encoding: { x: { datum: 0, type: "quantitative" }, y: { value: 0 } },
            },
          ],
        }
      : bars),
    config: { view: { stroke: null }, ...axisConfig() },
  } as TopLevelSpec;
}

/**
 * The `top` first rows of a breakdown (already costliest first) as bars, and one
 * "(other)" bar with the exact sum of the rest when there is a rest. The tooltip says
 * "unpriced" (or the unpriced share) as the tables do.
 */
export function toBars(
  rows: { key: string | null; cost_usd: string; requests?: number; unpriced_requests?: number }[],
  top = TOP_BARS,
): BarDatum[] {
  return topAndOther(rows, top, (key, group) => {
    const count: PricedCount = { requests: 0, unpriced_requests: 0 };
    let nano = 0n;
    for (const r of group) {
      nano += parseNano(r.cost_usd);
      count.requests += r.requests ?? 0;
      count.unpriced_requests += r.unpriced_requests ?? 0;
    }
    return { key, cost: nanoToNumber(nano), text: costText(nano, count) };
  });
}

/** Counts (requests by reason) as bars, largest first as given, the rest as one "(other)" bar. */
export function countBars(rows: { key: string; count: number }[], top = TOP_BARS): BarDatum[] {
  return topAndOther(rows, top, (key, group) => {
    const count = group.reduce((s, r) => s + r.count, 0);
    return { key, cost: count, text: formatInt(count) };
  });
}

/** The `top` first rows as one bar each (named by `keyLabel`), and the rest summed into one "(other)" bar when there is a rest. */
function topAndOther<R extends { key: string | null }>(rows: R[], top: number, bar: (key: string, group: R[]) => BarDatum): BarDatum[] {
  const bars = rows.slice(0, top).map((r) => bar(keyLabel(r.key), [r]));
  if (rows.length > top) bars.push(bar(OTHER_LABEL, rows.slice(top)));
  return bars;
}

/** Signed amounts (a variance per model), in the order given; drawn in the sign's colour (`barSpec` signed). */
export function signedBars(rows: { key: string; nano: bigint }[]): BarDatum[] {
  return rows.map((r) => moneyBar(r.key, r.nano));
}

function moneyBar(key: string, nano: bigint): BarDatum {
  return { key, cost: nanoToNumber(nano), text: formatUsd(nano) };
}
