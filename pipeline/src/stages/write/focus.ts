import type { FocusPiecesJson } from "../../engine/collect-focus-pieces.ts";
import { PIECE_UNITS, type PieceComponent } from "../../pricing/focus-pieces.ts";
import {
  add,
  formatDecimal,
  formatNano,
  fromInteger,
  multiply,
  normalize,
  parseDecimal,
  subtract,
  toScaled,
  type Decimal,
} from "../../pricing/money.ts";
import { COMPONENTS } from "../../pricing/price-call.ts";
import { toCsv, toCsvLines, UTF8_BOM, type CsvKind } from "../../lib/to-csv.ts";
import { QUANTITY_SCALE, RATE_SCALE, type Column, type ColumnKind } from "../../parquet/write-parquet.ts";

/**
 * A FOCUS 1.2 cost and usage export (FinOps FOCUS, docs/pipeline.md "FOCUS export"): one
 * row per day, provider account, gateway model, provider model, region, team, user, virtual
 * account, tagged metadata values (`tagKeys`, in Tags), price source, SKU component
 * (input tokens, output tokens, cache reads, images, seconds, …) and price (the contracted
 * and list rates), from the day rollups' FOCUS pieces (engine/collect-focus-pieces.ts).
 * So `ContractedUnitPrice × PricingQuantity = ContractedCost` and `ListUnitPrice ×
 * PricingQuantity = ListCost` hold exactly on every row; BilledCost is the row's share of
 * the calls' costs as each was rounded to nano-USD, so it sums to the run's cost exactly.
 * Unpriced calls have no cost to bill, so they are left out and counted in the manifest.
 * Every column FOCUS 1.2 makes Mandatory is present, with its type: costs, prices and
 * quantities DECIMAL, periods TIMESTAMP (UTC) in Parquet and `YYYY-MM-DDTHH:mm:ssZ` in
 * CSV; columns of our own start with `x_`.
 */
type FocusKind = "string" | "json" | "timestamp" | "cost" | "exact" | "quantity" | "int64";

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
  ["ContractedCost", "exact"],
  ["ContractedUnitPrice", "exact"],
  ["EffectiveCost", "cost"],
  ["InvoiceIssuerName", "string"],
  ["ListCost", "exact"],
  ["ListUnitPrice", "exact"],
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
  ["SkuMeter", "string"],
  ["SkuPriceId", "string"],
  ["Tags", "json"],
  ["x_ProviderAccount", "string"],
  ["x_GatewayModel", "string"],
  ["x_Team", "string"],
  ["x_PriceSource", "string"],
  ["x_Component", "string"],
  ["x_Requests", "int64"],
];

const PARQUET_KIND: Record<FocusKind, ColumnKind> = {
  string: "string",
  json: "json",
  timestamp: "timestamp",
  cost: "money_total",
  exact: "rate",
  quantity: "quantity",
  int64: "int64",
};

/** What each component meters (FOCUS SkuMeter; ChargeDescription starts with it). */
const METERS: Record<PieceComponent, string> = {
  input: "Input tokens",
  cache_read: "Cache read tokens",
  cache_write: "Cache write tokens",
  cache_write_1h: "Cache write tokens (1-hour TTL)",
  input_audio: "Input audio tokens",
  output: "Output tokens",
  output_audio: "Output audio tokens",
  request: "Requests",
  input_image: "Input images",
  output_image: "Output images",
  input_character: "Input characters",
  input_second: "Input seconds",
  output_second: "Output seconds",
  query: "Queries",
  page: "Pages",
  gateway_cache: "Calls answered from the gateway's cache",
};

const DAY_MS = 86_400_000;
/** How far a row's exact cost may be from its calls' rounded costs, per call, in nano-USD (half a nano-USD per piece of a call). */
const MAX_ROUNDING_NANO = 8n;

/** FOCUS rows: timestamps as epoch ms, billed costs as nano-USD, exact costs, prices and quantities as Decimals. */
export interface FocusExport {
  rows: unknown[][];
  totalCostNano: bigint;
  /** The sum of ListCost, exact. */
  totalListCost: Decimal;
  excludedUnpricedRequests: number;
}

/** The FOCUS grain's dimensions in a piece row (focusPieceDimensions), before the metadata tags. */
const BASE = ["provider", "provider_account", "model", "provider_model", "region", "team", "user", "virtual_account", "price_source"];

/**
 * The export from every day's pieces (gather-days.ts), in day order. `tagKeys`: the
 * metadata keys in Tags; `excludedUnpricedRequests`: the unpriced requests left out.
 */
export function computeFocus(
  days: ReadonlyArray<{ day: string; pieces: FocusPiecesJson }>,
  tagKeys: readonly string[],
  excludedUnpricedRequests: number,
): FocusExport {
  const rows: unknown[][] = [];
  let total = 0n;
  let totalList = fromInteger(0);
  for (const { day, pieces } of days) {
    const at = (name: string) => {
      const i = pieces.dimensions.indexOf(name);
      if (i < 0) throw new Error(`FOCUS pieces of ${day} have no dimension ${name}`);
      return i;
    };
    const base = Object.fromEntries(BASE.map((name) => [name, at(name)]));
    const tagAt = tagKeys.map((key) => at(`metadata.${key}`));
    const width = pieces.dimensions.length;
    const dayStart = Date.parse(`${day}T00:00:00Z`);
    const [year, month] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
    for (const piece of pieces.rows) {
      const text = (i: number) => (piece[i] === null || piece[i] === undefined ? null : String(piece[i]));
      const component = piece[width] as PieceComponent;
      const rate = text(width + 1);
      const listRate = text(width + 2);
      const priceId = text(width + 3);
      const calls = Number(piece[width + 4]);
      const quantity = parseDecimal(String(piece[width + 5]));
      const billed = BigInt(String(piece[width + 6]));
      const contracted = rate === null ? nanoDecimal(billed) : multiply(quantity, parseDecimal(rate));
      // Each call's piece was rounded to the nano-USD once, a marginal tier's last piece took the rest of its component:
      // far from the exact cost is a defect (a wrong rate), never an export.
      const gap = toScaled(subtract(contracted, nanoDecimal(billed)), 9);
      if ((gap < 0n ? -gap : gap) > BigInt(calls) * MAX_ROUNDING_NANO) {
        throw new Error(
          `FOCUS export ${day}: ${component} at ${rate} × ${formatDecimal(quantity)} is ${formatDecimal(contracted)} USD, billed ${formatNano(billed)}`,
        );
      }
      const listed = rate === null ? contracted : multiply(quantity, parseDecimal(listRate ?? rate));
      total += billed;
      totalList = add(totalList, listed);

      const provider = text(base.provider!);
      const account = text(base.provider_account!);
      const model = text(base.model!)!;
      const providerModel = text(base.provider_model!);
      const source = text(base.price_source!)!;
      const service = providerModel ?? model;
      const sku = provider && providerModel ? `${provider}/${providerModel}` : model;
      // Who bills the account: the provider of the catalog entry, else the provider account.
      const issuer = provider ?? account ?? "unknown";
      // The metadata keys are the user-defined tags, unaltered; what this tool derives is prefixed `costs/`.
      // Keys as entries, so a metadata key such as `__proto__` is an own key like any other; JSON.stringify escapes values.
      const tags: Array<[string, string]> = [];
      tagKeys.forEach((key, k) => {
        const value = text(tagAt[k]!);
        if (value !== null) tags.push([key, value]);
      });
      for (const name of ["team", "user", "virtual_account"] as const) {
        const value = text(base[name]!);
        if (value !== null) tags.push([`costs/${name}`, value]);
      }
      tags.push(["costs/gateway_model", model], ["costs/price_source", source]);
      if (account !== null) tags.push(["costs/provider_account", account]);
      tags.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const unit = PIECE_UNITS[component];
      const description =
        component === "gateway_cache"
          ? `${METERS[component]} for gateway model ${model} (no provider call)`
          : `${METERS[component]} of ${service} through gateway model ${model}, ${source} prices`;
      rows.push([
        billed,
        account ?? issuer,
        account,
        "USD",
        Date.UTC(year, month, 1), // BillingPeriodEnd: the next month's start (exclusive)
        Date.UTC(year, month - 1, 1),
        "Usage",
        null,
        description,
        "Usage-Based",
        dayStart + DAY_MS,
        dayStart,
        quantity,
        unit,
        contracted,
        rate === null ? null : parseDecimal(rate),
        billed,
        issuer,
        listed,
        rate === null ? null : parseDecimal(listRate ?? rate),
        "Standard",
        quantity,
        unit,
        issuer,
        issuer,
        text(base.region!),
        text(base.region!),
        "AI and Machine Learning",
        service,
        "Generative AI",
        sku,
        METERS[component],
        priceId,
        JSON.stringify(Object.fromEntries(tags)),
        account,
        model,
        text(base.team!),
        source,
        component,
        calls,
      ]);
    }
  }
  const at = (name: string) => FOCUS_COLUMNS.findIndex(([n]) => n === name);
  const order = [
    "ChargePeriodStart",
    "x_ProviderAccount",
    "x_GatewayModel",
    "RegionId",
    "x_Team",
    "x_PriceSource",
    "Tags",
    "ServiceName",
  ].map(at);
  const component = at("x_Component");
  const priceId = at("SkuPriceId");
  const keyOf = (row: unknown[]) => [
    ...order.map((i) => row[i] ?? ""),
    COMPONENTS.indexOf(row[component] as never),
    row[priceId] ?? "",
    JSON.stringify(row, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
  ];
  const keyed = rows.map((row) => ({ row, key: keyOf(row) }));
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  return { rows: keyed.map((k) => k.row), totalCostNano: total, totalListCost: totalList, excludedUnpricedRequests };
}

/** Nano-USD as a Decimal. */
function nanoDecimal(nano: bigint): Decimal {
  return { coef: nano, scale: 9 };
}

/** The export as CSV: costs, prices and quantities as exact decimals, times as `YYYY-MM-DDTHH:mm:ssZ`; with `bom`, the UTF-8 byte order mark first. */
export function focusToCsv(focus: FocusExport, bom = false): string {
  return [...focusCsvChunks(focus, bom)].join("");
}

/** Rows per piece of `focusCsvChunks`: a large export (hundreds of MB) would pass the longest string JavaScript holds. */
const CSV_CHUNK_ROWS = 10_000;

/** `focusToCsv` in pieces of text (the header, then 10,000 rows at a time), for writing a large export to a file. */
export function* focusCsvChunks(focus: FocusExport, bom = false): Generator<string> {
  const kinds: CsvKind[] = FOCUS_COLUMNS.map(([, kind]) =>
    kind === "string" || kind === "json" || kind === "timestamp" ? "text" : "number",
  );
  const cell = (v: unknown, i: number) => {
    if (v === null) return null;
    const kind = FOCUS_COLUMNS[i]![1];
    if (kind === "timestamp") return `${new Date(v as number).toISOString().slice(0, 19)}Z`;
    if (kind === "cost") return formatNano(v as bigint);
    if (kind === "exact") return formatDecimal(normalize({ coef: toScaled(v as Decimal, RATE_SCALE), scale: RATE_SCALE }));
    if (kind === "quantity") return formatDecimal(normalize(v as Decimal));
    return typeof v === "bigint" ? v.toString() : v;
  };
  yield (
    (bom ? UTF8_BOM : "") +
    toCsv(
      FOCUS_COLUMNS.map(([name]) => name),
      kinds,
      [],
    )
  );
  for (let start = 0; start < focus.rows.length; start += CSV_CHUNK_ROWS)
    yield toCsvLines(
      kinds,
      focus.rows.slice(start, start + CSV_CHUNK_ROWS).map((row) => row.map(cell)),
    );
}

/**
 * The export as Parquet columns: billed costs DECIMAL(38,9), exact costs and unit prices
 * DECIMAL(38,24) (rounded half to even past 24 decimals, which only a non-token quantity
 * with many decimals times a rate with many can reach), quantities DECIMAL(38,18), times
 * TIMESTAMP(MILLIS, UTC).
 */
export function focusToColumns(focus: FocusExport): Column[] {
  return FOCUS_COLUMNS.map(([name, kind], i) => ({
    name,
    kind: PARQUET_KIND[kind],
    data: focus.rows.map((row) => {
      const v = row[i];
      if (v === null) return null;
      if (kind === "exact") return toScaled(v as Decimal, RATE_SCALE);
      if (kind === "quantity") return toScaled(v as Decimal, QUANTITY_SCALE);
      return v;
    }),
  }));
}

function compareKeys(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
