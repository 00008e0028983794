/** Text sizes every chart uses: axis and legend text at least 12 px (readable on a phone and in print). */
export function axisConfig(): { axis: object; legend: object } {
  return {
    axis: { labelFontSize: 12, titleFontSize: 12 },
    legend: { labelFontSize: 12, titleFontSize: 12 },
  };
}

/** The x axis of a chart by day (shared by every chart, so frozen): the `date` field (YYYY-MM-DD) as a UTC day, labelled "Jul 04", never tilted. */
export const DAY_X = Object.freeze({
  field: "date",
  type: "temporal",
  timeUnit: "utcyearmonthdate",
  title: null,
  axis: Object.freeze({ format: "%b %d", labelAngle: 0, labelOverlap: true }),
  scale: Object.freeze({ type: "utc" }),
} as const);

/** The `date` field in a tooltip, as the tables write it (YYYY-MM-DD). */
export const DAY_TOOLTIP = Object.freeze({
  field: "date",
  type: "temporal",
  timeUnit: "utcyearmonthdate",
  title: "date",
  format: "%Y-%m-%d",
} as const);
