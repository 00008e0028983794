/**
 * Stands in for `vega-lite` in the browser bundle (see astro.config.mjs): the charts'
 * Vega-Lite specs are compiled to Vega at build time, so vega-embed only ever runs in
 * "vega" mode and the compiler (about 270 KB) is not shipped.
 */
export const version = "compiled at build time";

export function compile(): never {
  throw new Error("Vega-Lite specs are compiled at build time (site/src/charts/compile-chart.ts); embed the compiled Vega spec");
}
