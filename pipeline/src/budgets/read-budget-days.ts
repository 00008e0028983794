import path from "node:path";
import { grainOf, listRollupDays, readDayRollup, type DayRollup } from "../history/day-rollup.ts";
import { PipelineError } from "../lib/errors.ts";
import { BUDGET_DIMENSIONS, budgetGrain, type Grain } from "../schemas/fields.ts";
import type { BudgetRule } from "../schemas/budgets.schema.ts";
import { budgetMetadataKeys } from "../schemas/budgets.schema.ts";
import type { BudgetDay } from "./compute-budgets.ts";
import { budgetWindowStart } from "./compute-budgets.ts";
import { isDate } from "./periods.ts";

export interface BudgetDays {
  at: string;
  data: { first_day: string; last_day: string };
  days: BudgetDay[];
}

/**
 * The budget grain of the day rollups `costs budgets` needs (the earliest previous period of
 * any limit through `at`, default the last day with a rollup), read from `<out>/rollups`
 * only. A day rollup without a grain holding the rules' dimensions (written before the rules
 * named a metadata key) is an error saying to run `costs run`, which rebuilds it.
 */
export async function readBudgetDays(
  out: string,
  rules: readonly BudgetRule[],
  at: string | undefined,
  progress?: (line: string) => void,
): Promise<BudgetDays> {
  const all = await listRollupDays(out);
  if (all.length === 0) {
    throw new PipelineError({
      file: path.join(out, "rollups"),
      message: "no day rollups to compute budgets from",
      hint: "run `costs run` first, or check --data",
    });
  }
  const data = { first_day: all[0]!, last_day: all.at(-1)! };
  if (at !== undefined && !isDate(at))
    throw new PipelineError({ field: "--at", message: `must be a UTC date YYYY-MM-DD, got ${at.slice(0, 40)}` });
  const through = at ?? data.last_day;
  if (through < data.first_day || through > data.last_day) {
    throw new PipelineError({
      field: "--at",
      message: `${through} is outside the data (${data.first_day} … ${data.last_day})`,
      hint: "pick a day the data covers, or leave --at out for its last day",
    });
  }
  const needed = budgetGrain(budgetMetadataKeys(rules));
  const from = budgetWindowStart(rules, through);
  const wanted = all.filter((d) => d >= from && d <= through);
  const days: BudgetDay[] = [];
  for (const [i, day] of wanted.entries()) {
    const rollup = (await readDayRollup(out, day))!;
    const grain = findGrain(rollup, needed);
    if (!grain) {
      throw new PipelineError({
        file: path.join(out, `rollups/date=${day}.json`),
        message: `has no budget grain with ${needed.dimensions.slice(1).join(", ")}: it was written before policies/budgets.yaml named these`,
        hint: "run `costs run` with the current policies: it rebuilds each kept day's rollup from its rows once",
      });
    }
    days.push({ date: day, groups: [...grainOf(rollup, grain).entries()] });
    if (progress && (i + 1) % 100 === 0) progress(`budgets: read ${i + 1} of ${wanted.length} day rollups`);
  }
  return { at: through, data, days };
}

/**
 * The grain to read: the budgets' own, else any grain holding all its dimensions (a wider
 * one sums to the same totals), so a report for fewer metadata keys than the run's needs
 * no rebuild.
 */
export function findGrain(rollup: DayRollup, needed: Grain): Grain | undefined {
  if (rollup.grains[needed.key]) return needed;
  const wanted = [...BUDGET_DIMENSIONS.slice(1), ...needed.dimensions.slice(BUDGET_DIMENSIONS.length)];
  for (const [key, json] of Object.entries(rollup.grains)) {
    if (wanted.every((d) => json.dimensions.includes(d))) return { key, dimensions: json.dimensions };
  }
  return undefined;
}
