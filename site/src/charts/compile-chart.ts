/**
 * Build time only: compiles a chart's Vega-Lite specs to Vega, so the browser needs the
 * Vega runtime but not the Vega-Lite compiler (about 270 KB less JavaScript per page).
 */
import { compile } from "vega-lite";
import { chartSpec, chartVariants, type ChartPayload } from "./index.ts";

/** Vega-Lite's messages: a compile error fails the build; the one expected warning is dropped. */
const EXPECTED = /^Dropping "fit-y" because spec has discrete height/;
interface Logger {
  level(): Logger;
  info(): Logger;
  debug(): Logger;
  warn(...args: unknown[]): Logger;
  error(...args: unknown[]): never;
}
const logger: Logger = {
  level: () => logger,
  info: () => logger,
  debug: () => logger,
  warn(...args) {
    if (!EXPECTED.test(String(args[0]))) console.warn("vega-lite:", ...args);
    return logger;
  },
  error(...args) {
    throw new Error(`vega-lite: ${args.join(" ")}`);
  },
};

export function compileChart(payload: ChartPayload): Record<string, object> {
  return Object.fromEntries(
    chartVariants(payload).map((variant) => [variant, compile(chartSpec(payload, variant), { logger: logger as never }).spec]),
  );
}
