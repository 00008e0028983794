import * as aq from "arquero";
import { formatNano } from "../../pricing/money.ts";
import type { Dataset } from "../../dataset/read-partitions.ts";
import { weightsOf, type WeightedDataset } from "../../extracts/compute-extract.ts";
import { toCsv, UTF8_BOM, type CsvKind } from "../../lib/to-csv.ts";
import type { Column, ColumnKind } from "../../parquet/write-parquet.ts";

/**
 * A FOCUS 1.2 cost and usage export (FinOps FOCUS, docs/pipeline.md "FOCUS export"): one
 * row per day, provider account, gateway model, provider model, region, team, user, virtual
 * account, tagged metadata values (`tagKeys`, in Tags) and price source, for priced calls. Unpriced calls have no cost to bill, so they are left out and
 * counted in the manifest. Every column FOCUS 1.2 makes Mandatory is present, with its
 * type: costs and quantities DECIMAL, periods TIMESTAMP (UTC) in Parquet and
 * `YYYY-MM-DDTHH:mm:ssZ` in CSV; columns of our own start with `x_`.
 *
 * A row still sums every SKU component of its calls (input, output, cache, audio, images,
 * …), so its quantity is the calls (`Requests`) and it carries no unit price: the rollups
 * hold each grain's total cost, not each component's. Token counts are `x_` columns.
 */
type FocusKind = "string" | "json" | "timestamp" | "cost" | "quantity" | "int64";

export const FOCUS_COLUMNS: ReadonlyArray<readonly [string, FocusKind]> = [
  ["BilledCost", "cost"],
  ["BillingAccountId", "string"],
  ["BillingAccountName", "string"],
  ["BillingCurrency", "string"],
  ["BillingPeriodEnd", "timestamp"],
  ["BillingPeriodStart", "timestamp"],
  ["ChargeCategory", "string"],
  ["ChargeClass", "string"],
  ["ChargeDescription", "string"],
  ["ChargeFrequency", "string"],
  ["ChargePeriodEnd", "timestamp"],
  ["ChargePeriodStart", "timestamp"],
  ["ConsumedQuantity", "quantity"],
  ["ConsumedUnit", "string"],
  ["ContractedCost", "cost"],
  ["EffectiveCost", "cost"],
  ["InvoiceIssuerName", "string"],
  ["ListCost", "cost"],
  ["PricingCategory", "string"],
  ["PricingQuantity", "quantity"],
  ["PricingUnit", "string"],
  ["ProviderName", "string"],
  ["PublisherName", "string"],
  ["RegionId", "string"],
  ["RegionName", "string"],
  ["ServiceCategory", "string"],
  ["ServiceName", "string"],
  ["ServiceSubcategory", "string"],
  ["SkuId", "string"],
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

const PARQUET_KIND: Record<FocusKind, ColumnKind> = {
  string: "string",
  json: "json",
  timestamp: "timestamp",
  cost: "money_total",
  quantity: "money_total",
  int64: "int64",
};

const NANO = 1_000_000_000n;
const DAY_MS = 86_400_000;

/** A FOCUS row: timestamps as epoch ms, costs as nano-USD, quantities as whole numbers (bigint). */
export interface FocusExport {
  rows: unknown[][];
  totalCostNano: bigint;
  totalListCostNano: bigint;
  excludedUnpricedRequests: number;
}

export function computeFocus(dataset: Dataset, tagKeys: readonly string[] = []): FocusExport {
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
    user: pick("user"),
    virtual_account: pick("virtual_account"),
    ...Object.fromEntries(
      tagKeys.map((key, k) => [`tag${k}`, keep.map((i) => (dataset as Record<string, unknown[]>)[`metadata.${key}`]?.[i] ?? null)]),
    ),
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
  const keys = [
    "date",
    "provider",
    "account",
    "model",
    "provider_model",
    "region",
    "team",
    "user",
    "virtual_account",
    ...tagKeys.map((_, k) => `tag${k}`),
    "source",
  ];
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
    const day = Date.parse(`${date}T00:00:00Z`);
    const [year, month] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
    const billed = typeof g.cost === "bigint" ? g.cost : 0n;
    const listed = typeof g.list === "bigint" ? g.list : 0n;
    const requests = Number(g.requests);
    const provider = text(g.provider);
    const account = text(g.account);
    const providerModel = text(g.provider_model);
    const service = providerModel ?? text(g.model)!;
    const sku = provider && providerModel ? `${provider}/${providerModel}` : text(g.model);
    // Who bills the account: the provider of the catalog entry, else the provider account.
    const issuer = provider ?? account ?? "unknown";
    // The metadata keys are the user-defined tags, unaltered; what this tool derives is prefixed `costs/`.
    // Keys as entries, so a metadata key such as `__proto__` is an own key like any other; JSON.stringify escapes values.
    const tags: Array<[string, string]> = [];
    tagKeys.forEach((key, k) => {
      const value = g[`tag${k}`];
      if (value !== null && value !== undefined) tags.push([key, String(value)]);
    });
    for (const name of ["team", "user", "virtual_account"] as const) {
      if (g[name] !== null && g[name] !== undefined) tags.push([`costs/${name}`, String(g[name])]);
    }
    tags.push(["costs/gateway_model", String(g.model)], ["costs/price_source", String(g.source)]);
    if (account !== null) tags.push(["costs/provider_account", account]);
    tags.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return [
      billed,
      account ?? issuer,
      account,
      "USD",
      Date.UTC(year, month, 1), // BillingPeriodEnd: the next month's start (exclusive)
      Date.UTC(year, month - 1, 1),
      "Usage",
      null,
      `${service} calls through gateway model ${String(g.model)}, ${g.source} prices`,
      "Usage-Based",
      day + DAY_MS,
      day,
      BigInt(requests),
      "Requests",
      billed,
      billed,
      issuer,
      listed,
      "Standard",
      BigInt(requests),
      "Requests",
      issuer,
      issuer,
      text(g.region),
      text(g.region),
      "AI and Machine Learning",
      service,
      "Generative AI",
      sku,
      JSON.stringify(Object.fromEntries(tags)),
      account,
      text(g.model),
      text(g.team),
      text(g.source),
      requests,
      Number(g.input ?? 0),
      Number(g.cache_read ?? 0),
      Number(g.cache_write ?? 0),
      Number(g.output ?? 0),
      Number(g.reasoning ?? 0),
    ];
  });
  const at = (name: string) => FOCUS_COLUMNS.findIndex(([n]) => n === name);
  rows.sort((a, b) =>
    compareRows(a, b, [
      at("ChargePeriodStart"),
      at("x_ProviderAccount"),
      at("x_GatewayModel"),
      at("RegionId"),
      at("x_Team"),
      at("x_PriceSource"),
      at("Tags"),
    ]),
  );
  let total = 0n;
  let totalList = 0n;
  for (const row of rows) {
    total += row[at("BilledCost")] as bigint;
    totalList += row[at("ListCost")] as bigint;
  }
  return { rows, totalCostNano: total, totalListCostNano: totalList, excludedUnpricedRequests: excluded };
}

/** The export as CSV: costs as exact decimals, quantities as integers, times as `YYYY-MM-DDTHH:mm:ssZ`; with `bom`, the UTF-8 byte order mark first. */
export function focusToCsv(focus: FocusExport, bom = false): string {
  const kinds: CsvKind[] = FOCUS_COLUMNS.map(([, kind]) =>
    kind === "string" || kind === "json" || kind === "timestamp" ? "text" : "number",
  );
  const csv = toCsv(
    FOCUS_COLUMNS.map(([name]) => name),
    kinds,
    focus.rows.map((row) =>
      row.map((v, i) => {
        if (v === null) return null;
        const kind = FOCUS_COLUMNS[i]![1];
        if (kind === "timestamp") return `${new Date(v as number).toISOString().slice(0, 19)}Z`;
        if (kind === "cost") return formatNano(v as bigint);
        return typeof v === "bigint" ? v.toString() : v;
      }),
    ),
  );
  return bom ? UTF8_BOM + csv : csv;
}

/** The export as Parquet columns: costs and quantities DECIMAL(38,9), times TIMESTAMP(MILLIS, UTC). */
export function focusToColumns(focus: FocusExport): Column[] {
  return FOCUS_COLUMNS.map(([name, kind], i) => ({
    name,
    kind: PARQUET_KIND[kind],
    data: focus.rows.map((row) => (kind === "quantity" && row[i] !== null ? (row[i] as bigint) * NANO : row[i])),
  }));
}

function compareRows(a: unknown[], b: unknown[], indexes: number[]): number {
  for (const i of indexes) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
