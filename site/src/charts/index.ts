/**
 * What a page embeds for each chart and how it becomes a drawing and a sentence for
 * screen readers. `data-chart` holds the compact data (payload); `data-vega` the
 * Vega-Lite spec compiled to Vega at build time (compile-chart.ts), one per variant
 * (the trend chart's "stack by" choices). The browser puts `chartRows(payload)` into the
 * spec's `table` source and draws it with vega-embed; a filter only changes the payload.
 */
import type { TopLevelSpec } from "vega-lite";
import { formatUsd } from "../lib/format.ts";
import { barSpec, type BarDatum } from "./bar-spec.ts";
import { burndownSpec } from "./burndown-spec.ts";
import { colourOf, type Colours } from "./colours.ts";
import { linesSpec } from "./lines-spec.ts";
import { seriesRows, type Series } from "./series.ts";
import { trendSpec } from "./trend-spec.ts";

/** `colours`: the whole period's costliest keys in palette order (`rankColours`); other keys are hashed. */
export type ChartPayload =
  | { kind: "trend"; series: Record<string, Series>; stackBy: string; colours?: Record<string, Colours> }
  | { kind: "bar"; rows: BarDatum[]; what: string; measure?: string; signed?: boolean; colours?: Colours }
  | { kind: "lines"; series: Series; what: string; colours?: Colours }
  | { kind: "burndown"; what: string; burndown: Burndown };

/**
 * A budget's burn-down: the current period, its limit, and per scope value (most used
 * first) the cumulative spend of each day through `at` and the run-rate forecast at `end`.
 * Numbers are USD floats for drawing only; every `*_text` is the exact figure formatted.
 */
export interface Burndown {
  start: string;
  end: string;
  at: string;
  limit: number;
  limit_text: string;
  lines: Array<{ key: string; dates: string[]; cumulative: number[]; texts: string[]; forecast: number; forecast_text: string }>;
  /** The lines' colours, in rank order (`rankColours`). */
  colours?: Colours;
  /** Scope values among the most used whose calls are all unpriced: no cost, so not drawn (named in the text). */
  unpriced?: string[];
}

/** The variants a chart can be shown in, and the current one. */
export function chartVariants(payload: ChartPayload): string[] {
  return payload.kind === "trend" ? Object.keys(payload.series) : ["default"];
}

export function currentVariant(payload: ChartPayload): string {
  return payload.kind === "trend" ? payload.stackBy : "default";
}

/** The Vega-Lite spec of one variant (data from the named source `table`). */
export function chartSpec(payload: ChartPayload, variant = currentVariant(payload)): TopLevelSpec {
  switch (payload.kind) {
    case "trend":
      return trendSpec(variant);
    case "bar":
      return barSpec(payload.what, payload.measure, payload.signed);
    case "lines":
      return linesSpec(payload.what);
    case "burndown":
      return burndownSpec(payload.what);
  }
}

/**
 * The colour scale of a line or stacked chart: its keys in legend order, each in its
 * stable colour (`colourOf`). Bars get theirs in their rows (`chartRows`); null for them.
 */
export function colourScale(payload: ChartPayload): { domain: string[]; range: string[] } | null {
  if (payload.kind === "bar") return null;
  if (payload.kind === "burndown") {
    const keys = payload.burndown.lines.map((l) => l.key);
    return { domain: keys, range: keys.map((k) => colourOf(k, payload.burndown.colours)) };
  }
  const keys = payload.kind === "trend" ? payload.series[payload.stackBy]!.keys : payload.series.keys;
  const colours = payload.kind === "trend" ? payload.colours?.[payload.stackBy] : payload.colours;
  return { domain: keys, range: keys.map((k) => colourOf(k, colours)) };
}

/** The rows of the `table` source. */
export function chartRows(payload: ChartPayload): object[] {
  switch (payload.kind) {
    case "trend":
      return seriesRows(payload.series[payload.stackBy]!);
    case "bar":
      return payload.rows.map((r) => ({ ...r, colour: colourOf(r.key, payload.colours) }));
    case "lines":
      return seriesRows(payload.series);
    case "burndown":
      return burndownRows(payload.burndown);
  }
}

const usd = (x: number) => formatUsd(BigInt(Math.round(x * 1e9)));

/** The rows of a burn-down: each day's cumulative spend, the forecast from the last day to the period's end, the limit. */
export function burndownRows(b: Burndown): object[] {
  const rows: object[] = [{ kind: "limit", key: "limit", usd: b.limit, text: b.limit_text, label: "limit", order: -1 }];
  b.lines.forEach((line, order) => {
    line.dates.forEach((date, d) =>
      rows.push({ kind: "spent", key: line.key, date, usd: line.cumulative[d], text: line.texts[d], label: "spent to date", order }),
    );
    const last = line.dates.length - 1;
    if (last < 0) return;
    rows.push({
      kind: "forecast",
      key: line.key,
      date: line.dates[last],
      usd: line.cumulative[last],
      text: line.texts[last],
      label: "spent to date",
      order,
    });
    rows.push({ kind: "forecast", key: line.key, date: b.end, usd: line.forecast, text: line.forecast_text, label: "forecast", order });
  });
  return rows;
}

/** A one-paragraph text alternative of the chart. */
export function describeChart(payload: ChartPayload): string {
  if (payload.kind === "burndown") {
    const b = payload.burndown;
    const notDrawn = b.unpriced?.length ? ` Not drawn, every call unpriced (no cost): ${b.unpriced.join(", ")}.` : "";
    if (b.lines.length === 0) return `No priced spend for ${payload.what} from ${b.start} to ${b.at}; limit ${b.limit_text}.${notDrawn}`;
    const list = b.lines
      .map((l) => `${l.key} spent ${l.texts.at(-1) ?? "$0.00"} by ${b.at}, forecast ${l.forecast_text} by ${b.end}`)
      .join("; ");
    return `Cumulative spend against the limit of ${b.limit_text} for ${payload.what}, ${b.start} to ${b.end} (dashed: run-rate forecast): ${list}.${notDrawn}`;
  }
  if (payload.kind === "bar") {
    if (payload.rows.length === 0) return `No data by ${payload.what}.`;
    const list = payload.rows
      .slice(0, 3)
      .map((r) => `${r.key} (${r.text})`)
      .join(", ");
    return `Bar chart of ${payload.measure ?? "cost"} by ${payload.what}, ${payload.rows.length} bars, largest first: ${list}.`;
  }
  const series = payload.kind === "trend" ? payload.series[payload.stackBy]! : payload.series;
  const what = payload.kind === "trend" ? payload.stackBy : payload.what;
  if (series.dates.length === 0) return `No daily data by ${what}.`;
  const notDrawn = series.unpriced?.length ? ` Not drawn, every call unpriced (no cost): ${series.unpriced.join(", ")}.` : "";
  if (series.keys.length === 0) return `No priced daily data by ${what}.${notDrawn}`;
  const daily = series.dates.map((_, d) => series.values.reduce((s, v) => s + (v[d] ?? 0), 0));
  const peak = daily.indexOf(Math.max(...daily));
  const totals = series.values.map((v) => v.reduce<number>((s, x) => s + (x ?? 0), 0));
  const top = totals.indexOf(Math.max(...totals));
  const kind = payload.kind === "trend" ? `Stacked bars of daily cost by ${what}` : `Daily cost lines by ${what}`;
  return (
    `${kind}, ${series.dates[0]} to ${series.dates[series.dates.length - 1]} (${series.dates.length} days, ${series.keys.length} series). ` +
    `Highest day ${series.dates[peak]} at ${usd(daily[peak]!)}; largest series ${series.keys[top]} at ${usd(totals[top]!)} over the period.` +
    notDrawn
  );
}
