import * as aq from "arquero";
import { formatNano } from "../../pricing/money.ts";
import type { Dataset } from "../../dataset/read-partitions.ts";
import { weightsOf, type WeightedDataset } from "../../extracts/compute-extract.ts";
import { toCsv, type CsvKind } from "../../lib/to-csv.ts";
import type { Column, ColumnKind } from "../../parquet/write-parquet.ts";

/**
 * FOCUS-shaped cost and usage rows (FinOps FOCUS 1.x column names): one row per day,
 * provider account, model, region, team and price source, for priced rows. Unpriced
 * calls have no cost to bill, so they are left out and counted in the manifest.
 * BilledCost = EffectiveCost = ContractedCost = our computed cost; ListCost = the public
 * list price where known, else the computed cost. Token counts are `x_` columns.
 */
export const FOCUS_COLUMNS: ReadonlyArray<readonly [string, ColumnKind]> = [
  ["BillingCurrency", "string"],
  ["ChargeCategory", "string"],
  ["ChargePeriodStart", "string"],
  ["ChargePeriodEnd", "string"],
  ["BilledCost", "money_total"],
  ["EffectiveCost", "money_total"],
  ["ListCost", "money_total"],
  ["ContractedCost", "money_total"],
  ["ProviderName", "string"],
  ["ServiceCategory", "string"],
  ["ServiceName", "string"],
  ["RegionId", "string"],
  ["SkuId", "string"],
  ["ConsumedQuantity", "int64"],
  ["ConsumedUnit", "string"],
  ["PricingQuantity", "int64"],
  ["PricingUnit", "string"],
  ["Tags", "json"],
  ["x_ProviderAccount", "string"],
  ["x_GatewayModel", "string"],
  ["x_Team", "string"],
  ["x_PriceSource", "string"],
  ["x_Requests", "int64"],
  ["x_InputTokens", "int64"],
  ["x_CacheReadTokens", "int64"],
  ["x_CacheWriteTokens", "int64"],
  ["x_OutputTokens", "int64"],
  ["x_ReasoningTokens", "int64"],
];

export interface FocusExport {
  rows: unknown[][];
  totalCostNano: bigint;
  excludedUnpricedRequests: number;
}

export function computeFocus(dataset: Dataset): FocusExport {
  const keep: number[] = [];
  const sources = dataset.price_source as string[];
  const weights = weightsOf(dataset);
  let excluded = 0;
  for (let i = 0; i < dataset.length; i++) {
    if (sources[i] !== "unpriced") keep.push(i);
    else excluded += weights[i]!;
  }
  const pick = (name: keyof Dataset) => keep.map((i) => (dataset[name] as unknown[])[i] ?? null);
  const cost = pick("cost_usd") as bigint[];
  const listOrCost = (dataset as WeightedDataset).list_or_cost_usd;
  const list = listOrCost ? keep.map((i) => listOrCost[i]!) : (pick("list_cost_usd") as (bigint | null)[]).map((l, i) => l ?? cost[i]!);
  const table = aq.table({
    date: pick("date"),
    provider: pick("provider"),
    account: pick("provider_account"),
    model: pick("model"),
    provider_model: pick("provider_model"),
    region: pick("region"),
    team: pick("team"),
    source: pick("price_source"),
    input: pick("input_tokens"),
    cache_read: pick("cache_read_tokens"),
    cache_write: pick("cache_write_tokens"),
    output: pick("output_tokens"),
    reasoning: pick("reasoning_tokens"),
    cost,
    list,
    requests: keep.map((i) => weights[i]!),
  });
  const keys = ["date", "provider", "account", "model", "provider_model", "region", "team", "source"];
  const grouped = table
    .groupby(...keys)
    .rollup({
      requests: aq.op.sum("requests"),
      input: aq.op.sum("input"),
      cache_read: aq.op.sum("cache_read"),
      cache_write: aq.op.sum("cache_write"),
      output: aq.op.sum("output"),
      reasoning: aq.op.sum("reasoning"),
      cost: aq.op.sum("cost"),
      list: aq.op.sum("list"),
    })
    .objects() as Record<string, unknown>[];
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const rows = grouped.map((g) => {
    const date = g.date as string;
    const input = Number(g.input ?? 0);
    const output = Number(g.output ?? 0);
    const billed = typeof g.cost === "bigint" ? g.cost : 0n;
    const listed = typeof g.list === "bigint" ? g.list : 0n;
    const tags = JSON.stringify({ price_source: g.source, provider_account: g.account, team: g.team });
    return [
      "USD",
      "Usage",
      `${date}T00:00:00Z`,
      `${nextDay(date)}T00:00:00Z`,
      billed,
      billed,
      listed,
      billed,
      text(g.provider),
      "AI and Machine Learning",
      text(g.provider_model ?? g.model),
      text(g.region),
      g.provider && g.provider_model ? `${g.provider}/${g.provider_model}` : text(g.model),
      input + output,
      "Tokens",
      input + output,
      "Tokens",
      tags,
      text(g.account),
      text(g.model),
      text(g.team),
      text(g.source),
      Number(g.requests),
      input,
      Number(g.cache_read ?? 0),
      Number(g.cache_write ?? 0),
      output,
      Number(g.reasoning ?? 0),
    ];
  });
  rows.sort((a, b) => compareRows(a, b, [2, 18, 19, 11, 20, 21]));
  let total = 0n;
  for (const row of rows) total += row[4] as bigint;
  return { rows, totalCostNano: total, excludedUnpricedRequests: excluded };
}

export function focusToCsv(focus: FocusExport): string {
  const kinds: CsvKind[] = FOCUS_COLUMNS.map(([, kind]) => (kind === "string" || kind === "json" ? "text" : "number"));
  return toCsv(
    FOCUS_COLUMNS.map(([name]) => name),
    kinds,
    focus.rows.map((row) => row.map((v) => (typeof v === "bigint" ? formatNano(v) : v))),
  );
}

export function focusToColumns(focus: FocusExport): Column[] {
  return FOCUS_COLUMNS.map(([name, kind], i) => ({ name, kind, data: focus.rows.map((row) => row[i]) }));
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function compareRows(a: unknown[], b: unknown[], indexes: number[]): number {
  for (const i of indexes) {
    const x = (a[i] ?? "") as string;
    const y = (b[i] ?? "") as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
