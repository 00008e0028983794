import { checkSchema } from "../lib/check-schema.ts";
import type { Problem } from "../lib/errors.ts";
import { parseTimestamp } from "../lib/parse-timestamp.ts";
import { PrivatePriceSheetSchema } from "../schemas/private-prices.schema.ts";
import type { CostFields } from "../schemas/cost-fields.schema.ts";
import { exists } from "../lib/exists.ts";
import { listYamlFiles, readYamlProblems } from "./load-catalog.ts";
import { toRates, type RateCard } from "./rate-card.ts";

/** One private price period of one gateway model and region. */
export interface PrivatePricePeriod {
  model: string;
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms; undefined = open-ended. */
  to?: number;
  fromText: string;
  toText?: string;
  source: string;
  card: RateCard;
  /** Line of `effective_from`, for overlap errors. */
  fromLine?: number;
}

/** Loads `pricing/private/*.yaml` (SPEC 4.3), grouped by gateway model name. */
export async function loadPrivatePrices(
  dir: string,
): Promise<{ prices: Map<string, PrivatePricePeriod[]>; problems: Problem[] }> {
  const problems: Problem[] = [];
  const prices = new Map<string, PrivatePricePeriod[]>();
  if (!(await exists(dir))) return { prices, problems };
  for (const file of await listYamlFiles(dir)) {
    const yaml = await readYamlProblems(file, problems);
    if (!yaml) continue;
    const { value, problems: found } = checkSchema(PrivatePriceSheetSchema, yaml);
    problems.push(...found);
    if (!value) continue;
    value.prices.forEach((price, index) => {
      const card: RateCard = {
        ...toRates(price.costs as CostFields),
        region: price.region,
        ref: `${file}#prices[${index}]`,
        file,
      };
      const line = yaml.lineOf(["prices", index]);
      if (line !== undefined) card.line = line;
      if (price.costs.priority_pricing) card.priority = toRates(price.costs.priority_pricing as CostFields);
      const period: PrivatePricePeriod = {
        model: price.model,
        from: parseTimestamp(price.effective_from)!,
        fromText: price.effective_from,
        source: price.source,
        card,
      };
      const fromLine = yaml.lineOf(["prices", index, "effective_from"]);
      if (fromLine !== undefined) period.fromLine = fromLine;
      if (price.effective_to != null) {
        period.to = parseTimestamp(price.effective_to)!;
        period.toText = price.effective_to;
      }
      const list = prices.get(price.model) ?? [];
      list.push(period);
      prices.set(price.model, list);
    });
  }
  for (const list of prices.values()) list.sort((a, b) => a.from - b.from || a.card.ref.localeCompare(b.card.ref));
  problems.push(...findOverlaps(prices));
  return { prices, problems };
}

/** Two periods of the same model and region that share an instant are an error (SPEC 4.3). */
function findOverlaps(prices: Map<string, PrivatePricePeriod[]>): Problem[] {
  const problems: Problem[] = [];
  for (const [model, periods] of prices) {
    for (let i = 0; i < periods.length; i++) {
      for (let j = i + 1; j < periods.length; j++) {
        const a = periods[i]!;
        const b = periods[j]!;
        if (a.card.region !== b.card.region) continue;
        const overlap = b.from < (a.to ?? Infinity) && a.from < (b.to ?? Infinity);
        if (!overlap) continue;
        const problem: Problem = {
          file: b.card.file,
          field: `${b.card.ref.split("#")[1]}.effective_from`,
          message: `${model} (region ${b.card.region}) from ${b.fromText} overlaps the period ${a.fromText} → ${a.toText ?? "open"} of ${a.card.ref}`,
          hint: `end the earlier period with \`effective_to: ${b.fromText}\` (exclusive) or move this one`,
        };
        if (b.fromLine !== undefined) problem.line = b.fromLine;
        problems.push(problem);
      }
    }
  }
  return problems;
}
