/**
 * A day's rollup: `<out>/rollups/date=YYYY-MM-DD.json`, written by `costs run` beside (not
 * inside) `priced/` for every day it writes. It holds what every output needs of the day
 * (each extract's grain, the FOCUS grain, the dataset totals, the site's issues and cube:
 * `dayGrains`, plus the site's lists of calls: `DayExtras`, and the FOCUS export's pieces), so rebuilding the extracts,
 * FOCUS, the manifest and the site data reads one small file per kept day, never its rows.
 * A day whose rollup lacks a grain the current policies need (a new extract, other site
 * metadata keys) is rebuilt from its rows once (`dayRollupFromRows`).
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { FocusPiecesJson } from "../engine/collect-focus-pieces.ts";
import type { DayExtras } from "../engine/day-extras.ts";
import { Rollup, type RollupJson } from "../engine/rollup.ts";
import { exists } from "../lib/exists.ts";
import { PipelineError } from "../lib/errors.ts";
import type { Grain } from "../schemas/fields.ts";
import { RollupTotalsSchema, type RollupTotals } from "../schemas/rollup-totals.schema.ts";

/**
 * 2: groups count `rows` beside `requests`, which counts an aggregate row as its calls. A
 * rollup of an older version is rebuilt from its day's rows when they are kept
 * (`isOlderRollup`), else read as it is (every row one request).
 */
export const DAY_ROLLUP_VERSION = 2;

/** A day rollup: its totals (RollupTotalsSchema, what the ledger records) and what every output needs of the day. */
export type DayRollup = RollupTotals & {
  grains: Record<string, RollupJson>;
  extras: DayExtras;
  /** The day's FOCUS pieces (engine/collect-focus-pieces.ts); absent in a rollup built without the pricing (the site's). */
  focus_pieces?: FocusPiecesJson;
};

/** `rollups/date=D.json`, relative to the output folder. */
export const dayRollupPath = (day: string) => `rollups/date=${day}.json`;

/** The days with a rollup file under `<out>/rollups`, sorted. */
export async function listRollupDays(out: string): Promise<string[]> {
  const dir = path.join(out, "rollups");
  if (!(await exists(dir))) return [];
  return (await readdir(dir))
    .map((name) => /^date=(\d{4}-\d{2}-\d{2})\.json$/.exec(name)?.[1])
    .filter((d): d is string => d !== undefined)
    .sort();
}

/** A day's rollup, or null when it has none. Throws a PipelineError naming the file when it is not one. */
export async function readDayRollup(out: string, day: string): Promise<DayRollup | null> {
  const file = path.join(out, dayRollupPath(day));
  if (!(await exists(file))) return null;
  let json: DayRollup;
  try {
    json = JSON.parse(await readFile(file, "utf8")) as DayRollup;
  } catch (error) {
    throw new PipelineError({
      file,
      message: `is not valid JSON (${(error as Error).message})`,
      hint: "delete it: `costs run` rebuilds a missing rollup from the day's rows",
    });
  }
  if (typeof json?.rollup_version === "number" && json.rollup_version > DAY_ROLLUP_VERSION) {
    throw new PipelineError({
      file,
      message: `is a day rollup of version ${json.rollup_version}; this costs reads versions up to ${DAY_ROLLUP_VERSION}`,
      hint: "upgrade costs to the version that wrote it",
    });
  }
  if (!RollupTotalsSchema.safeParse(json).success || json.date !== day || typeof json.grains !== "object" || json.grains === null) {
    throw new PipelineError({
      file,
      message: `is not a day rollup of ${day} (rollup_version ${DAY_ROLLUP_VERSION})`,
      hint: "delete it: `costs run` rebuilds a missing rollup from the day's rows",
    });
  }
  return json;
}

export async function writeDayRollup(file: string, rollup: DayRollup): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(rollup)}\n`);
}

/** Whether a day rollup was written by an older version of costs: rebuilt from its day's rows when they are kept. */
export function isOlderRollup(rollup: DayRollup): boolean {
  return rollup.rollup_version < DAY_ROLLUP_VERSION;
}

/** Whether a day rollup holds every grain asked for. */
export function holdsGrains(rollup: DayRollup, grains: readonly Grain[]): boolean {
  return grains.every((g) => rollup.grains[g.key] !== undefined);
}

/** Whether a day rollup holds the FOCUS pieces at these dimensions (focusPieceDimensions). */
export function holdsFocusPieces(rollup: DayRollup, dimensions: readonly string[]): boolean {
  const held = rollup.focus_pieces?.dimensions;
  return held !== undefined && held.length === dimensions.length && held.every((d, i) => d === dimensions[i]);
}

/** One grain of a day rollup as a Rollup. */
export function grainOf(rollup: DayRollup, grain: Grain): Rollup {
  const json = rollup.grains[grain.key];
  if (!json) throw new Error(`day rollup ${rollup.date} has no grain ${grain.key}`);
  return Rollup.fromJSON(json);
}
