import type { FocusPiecesJson } from "../engine/collect-focus-pieces.ts";
import type { DayExtras } from "../engine/day-extras.ts";
import type { Rollup } from "../engine/rollup.ts";
import { formatNano } from "../pricing/money.ts";
import { DATASET_GRAIN, type Grain } from "../schemas/fields.ts";
import { DAY_ROLLUP_VERSION, type DayRollup } from "./day-rollup.ts";

/** A day rollup from the day's grains (each a Rollup over the grain's dimensions) and extras. */
export function toDayRollup(
  day: string,
  grains: ReadonlyArray<{ grain: Grain; rollup: Rollup }>,
  extras: DayExtras,
  pricedFiles: DayRollup["priced_files"],
  pricingVersion: string,
  focusPieces?: FocusPiecesJson,
): DayRollup {
  // Every grain sums the same rows: the totals come from the dataset grain, or any other.
  const dataset = (grains.find((g) => g.grain.key === DATASET_GRAIN.key) ?? grains[0])?.rollup;
  if (!dataset) throw new Error(`day rollup ${day}: no grain`);
  const columns = dataset.toColumns();
  const sumOf = (name: string) => (columns[name] as number[]).reduce((a, b) => a + b, 0);
  const money = (name: string) => (columns[name] as bigint[]).reduce((a, b) => a + b, 0n);
  return {
    rollup_version: DAY_ROLLUP_VERSION,
    date: day,
    pricing_version: pricingVersion,
    rows: sumOf("rows"),
    cost_usd: formatNano(money("cost_usd")),
    list_cost_usd: formatNano(money("list_cost_usd")),
    unpriced_requests: sumOf("unpriced_requests"),
    priced_files: pricedFiles,
    grains: Object.fromEntries(grains.map(({ grain, rollup }) => [grain.key, rollup.toJSON()])),
    extras,
    ...(focusPieces ? { focus_pieces: focusPieces } : {}),
  };
}
