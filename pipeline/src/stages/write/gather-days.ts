/**
 * The output grains summed over every day of the output folder after a run (history/day-rollup.ts): the
 * run's days split from the run's rollups (their day rollups written into the staging
 * folder), kept days read from their day rollups. A kept day whose rollup is missing, lacks
 * a grain the policies now need or the FOCUS pieces at the current FOCUS grain, or is of an
 * older version, is rebuilt from its rows once (and written); a day with a rollup but no
 * rows ("rollup-only", e.g. restored from the ledger) counts as it is.
 */
import { Rollup } from "../../engine/rollup.ts";
import { listPartitions } from "../../dataset/read-partitions.ts";
import { dayRollupFromRows } from "../../history/day-rollup-from-rows.ts";
import {
  dayRollupPath,
  grainOf,
  holdsFocusPieces,
  holdsGrains,
  isOlderRollup,
  listRollupDays,
  readDayRollup,
  writeDayRollup,
  type DayRollup,
} from "../../history/day-rollup.ts";
import { toDayRollup } from "../../history/to-day-rollup.ts";
import { PipelineError } from "../../lib/errors.ts";
import { dayGrains, focusPieceDimensions, type Grain } from "../../schemas/fields.ts";
import type { FocusPiecesJson } from "../../engine/collect-focus-pieces.ts";
import type { Staging } from "../../outputs/staging.ts";
import type { OutputFile, WriteInput } from "./index.ts";

export interface GatheredDays {
  /** Grain key → that grain summed over every day (the run's and the kept ones). */
  totals: Map<string, Rollup>;
  /** Day rollup files written into the staging folder (relative paths to commit). */
  written: string[];
  /** Days counted from a rollup alone (no priced partition). */
  rollupOnly: string[];
  /** Kept days whose rollup was rebuilt from their rows. */
  rebuilt: string[];
  /** Every day's FOCUS pieces, by day. */
  focusPieces: Array<{ day: string; pieces: FocusPiecesJson }>;
}

export async function gatherDays(
  input: WriteInput,
  staging: Staging,
  priced: readonly OutputFile[],
  outputs: readonly Grain[],
): Promise<GatheredDays> {
  const grains = dayGrains(input.policies.extracts, input.policies.siteMetadataKeys, input.policies.focusTags, input.policies.budgetKeys);
  // Each output grain summed day by day: a kept day's rollup is read, added and let go.
  const totals = new Map(outputs.map((g) => [g.key, new Rollup(g.dimensions)]));
  const add = (grain: Grain, rollup: Rollup) =>
    rollup.addTo(
      totals.get(grain.key)!,
      grain.dimensions.map((_, i) => i),
    );
  const written: string[] = [];
  const runDays = new Set(input.days.map((d) => d.day));
  const pieceDimensions = focusPieceDimensions(input.policies.focusTags);
  const focusPieces: GatheredDays["focusPieces"] = [];

  // The run's days: each grain's rollup (date first) split by date.
  const split = grains.map((grain) => ({ grain, parts: input.rollups.get(`day:${grain.key}`).split() }));
  for (const { day } of input.days) {
    const parts = split.map(({ grain, parts }) => ({ grain, rollup: parts.get(day) ?? new Rollup(grain.dimensions) }));
    for (const { grain, rollup } of parts) if (totals.has(grain.key)) add(grain, rollup);
    const files = priced
      .filter((f) => f.path.startsWith(`priced/date=${day}/`))
      .map(({ path, rows, bytes, sha256 }) => ({ path, rows, bytes, sha256 }));
    const pieces = input.focusPieces.finish(day);
    const rollup = toDayRollup(day, parts, input.extras.finish(day), files, input.pricingVersion, pieces);
    await writeRollup(staging, rollup, written);
    focusPieces.push({ day, pieces });
  }

  // Kept days: their rollup files, rebuilt from rows when needed.
  const partitions = new Set(await listPartitions(input.out));
  const kept = [...new Set([...partitions, ...(await listRollupDays(input.out))])].filter((d) => !runDays.has(d)).sort();
  const rollupOnly: string[] = [];
  const rebuilt: string[] = [];
  for (const day of kept) {
    let rollup = await readDayRollup(input.out, day);
    if (
      !rollup ||
      !holdsGrains(rollup, grains) ||
      !holdsFocusPieces(rollup, pieceDimensions) ||
      (isOlderRollup(rollup) && partitions.has(day))
    ) {
      if (!partitions.has(day)) throw missingRows(day, rollup, grains, pieceDimensions);
      const focus = { book: input.book, pricingVersion: input.pricingVersion, dimensions: pieceDimensions };
      rollup = await dayRollupFromRows(input.out, day, grains, undefined, focus);
      await writeRollup(staging, rollup, written);
      rebuilt.push(day);
    }
    if (!partitions.has(day)) rollupOnly.push(day);
    for (const grain of outputs) add(grain, grainOf(rollup, grain));
    focusPieces.push({ day, pieces: rollup.focus_pieces! });
  }
  focusPieces.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return { totals, written, rollupOnly, rebuilt, focusPieces };
}

async function writeRollup(staging: Staging, rollup: DayRollup, written: string[]): Promise<void> {
  const relative = dayRollupPath(rollup.date);
  await writeDayRollup(staging.path(relative), rollup);
  written.push(relative);
}

function missingRows(day: string, rollup: DayRollup | null, grains: Grain[], pieceDimensions: readonly string[]): PipelineError {
  const missing = grains.filter((g) => !rollup?.grains[g.key]).map((g) => g.dimensions.join(", "));
  if (rollup && !holdsFocusPieces(rollup, pieceDimensions)) missing.push(`the FOCUS export's prices by ${pieceDimensions.join(", ")}`);
  return new PipelineError({
    file: `rollups/date=${day}.json`,
    message: `day ${day} has no priced rows and its rollup lacks what the policies now need (grouped by ${missing.join("; ")})`,
    hint:
      "restore the day's priced partition (priced/date=" +
      day +
      ") so its rollup can be rebuilt, or undo the change to policies/extracts.yaml or policies/budgets.yaml",
  });
}
