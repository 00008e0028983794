import type { FocusPiecesJson } from "../../engine/collect-focus-pieces.ts";
import { PIECE_UNITS, type PieceComponent } from "../../pricing/focus-pieces.ts";
import {
  add,
  formatDecimal,
  formatNano,
  fromInteger,
  multiply,
  parseDecimal,
  subtract,
  toScaled,
  type Decimal,
} from "../../pricing/money.ts";
import { COMPONENTS } from "../../pricing/price-call.ts";
import { csvCell, toCsv, UTF8_BOM, type CsvKind } from "../../lib/to-csv.ts";
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
 * Rates and quantities are parsed once per distinct text, and the values derived from a
 * group's dimensions (Tags, SKU, issuer) once per group: the pieces of one group are
 * consecutive (finish sorts them by their text).
 */
export function computeFocus(
  days: ReadonlyArray<{ day: string; pieces: FocusPiecesJson }>,
  tagKeys: readonly string[],
  excludedUnpricedRequests: number,
): FocusExport {
  const rows: unknown[][] = [];
  let total = 0n;
  let totalList = fromInteger(0);
  // Rates and quantities by their text: the same Decimal object for the same text (never mutated).
  const decimals = new Map<string, Decimal>();
  const decimalOf = (text: string): Decimal => {
    let d = decimals.get(text);
    if (d === undefined) decimals.set(text, (d = parseDecimal(text)));
    return d;
  };
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
    let group: GroupValues | null = null;
    let previous: Array<string | number | null> | null = null;
    for (const piece of pieces.rows) {
      const text = (i: number) => (piece[i] === null || piece[i] === undefined ? null : String(piece[i]));
      if (previous === null || !sameGroup(previous, piece, width)) group = groupValues(text, base, tagKeys, tagAt);
      previous = piece;
      const g = group!;
      const component = piece[width] as PieceComponent;
      const rate = text(width + 1);
      const listRate = text(width + 2);
      const priceId = text(width + 3);
      const calls = Number(piece[width + 4]);
      const quantity = decimalOf(String(piece[width + 5]));
      const billed = BigInt(String(piece[width + 6]));
      const rateValue = rate === null ? null : decimalOf(rate);
      const listValue = rate === null ? null : listRate === null || listRate === rate ? rateValue : decimalOf(listRate);
      const contracted = rateValue === null ? nanoDecimal(billed) : multiply(quantity, rateValue);
      // Each call's piece was rounded to the nano-USD once, a marginal tier's last piece took the rest of its component:
      // far from the exact cost is a defect (a wrong rate), never an export.
      const gap = toScaled(subtract(contracted, nanoDecimal(billed)), 9);
      if ((gap < 0n ? -gap : gap) > BigInt(calls) * MAX_ROUNDING_NANO) {
        throw new Error(
          `FOCUS export ${day}: ${component} at ${rate} × ${formatDecimal(quantity)} is ${formatDecimal(contracted)} USD, billed ${formatNano(billed)}`,
        );
      }
      const listed = listValue === rateValue ? contracted : multiply(quantity, listValue!);
      total += billed;
      totalList = add(totalList, listed);

      const unit = PIECE_UNITS[component];
      const description =
        component === "gateway_cache"
          ? `${METERS[component]} for gateway model ${g.model} (no provider call)`
          : `${METERS[component]} of ${g.service} through gateway model ${g.model}, ${g.source} prices`;
      rows.push([
        billed,
        g.account ?? g.issuer,
        g.account,
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
        rateValue,
        billed,
        g.issuer,
        listed,
        listValue,
        "Standard",
        quantity,
        unit,
        g.issuer,
        g.issuer,
        g.region,
        g.region,
        "AI and Machine Learning",
        g.service,
        "Generative AI",
        g.sku,
        METERS[component],
        priceId,
        g.tags,
        g.account,
        g.model,
        g.team,
        g.source,
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
  const keyOf = (row: unknown[]) => [...order.map((i) => row[i] ?? ""), COMPONENTS.indexOf(row[component] as never), row[priceId] ?? ""];
  // The row's JSON text breaks ties last; it is only built for rows that tie on every other key.
  const keyed = rows.map((row): Keyed => ({ row, key: keyOf(row), json: undefined }));
  keyed.sort((a, b) => compareKeys(a.key, b.key) || compareKeys([jsonOf(a)], [jsonOf(b)]));
  return { rows: keyed.map((k) => k.row), totalCostNano: total, totalListCost: totalList, excludedUnpricedRequests };
}

interface Keyed {
  row: unknown[];
  key: unknown[];
  json: string | undefined;
}

function jsonOf(keyed: Keyed): string {
  return (keyed.json ??= JSON.stringify(keyed.row, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}

/** What a FOCUS row takes from its group's values (the grain's dimensions). */
interface GroupValues {
  account: string | null;
  model: string;
  source: string;
  service: string;
  sku: string;
  issuer: string;
  region: string | null;
  team: string | null;
  /** Tags as JSON text. */
  tags: string;
}

function groupValues(
  text: (i: number) => string | null,
  base: Record<string, number>,
  tagKeys: readonly string[],
  tagAt: readonly number[],
): GroupValues {
  const provider = text(base.provider!);
  const account = text(base.provider_account!);
  const model = text(base.model!)!;
  const providerModel = text(base.provider_model!);
  const source = text(base.price_source!)!;
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
  return {
    account,
    model,
    source,
    service: providerModel ?? model,
    sku: provider && providerModel ? `${provider}/${providerModel}` : model,
    // Who bills the account: the provider of the catalog entry, else the provider account.
    issuer: provider ?? account ?? "unknown",
    region: text(base.region!),
    team: text(base.team!),
    tags: JSON.stringify(Object.fromEntries(tags)),
  };
}

/** Two pieces of the same group: the same values in the first `width` places. */
function sameGroup(a: ReadonlyArray<unknown>, b: ReadonlyArray<unknown>, width: number): boolean {
  for (let i = 0; i < width; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Nano-USD as a Decimal. */
function nanoDecimal(nano: bigint): Decimal {
  return { coef: nano, scale: 9 };
}

/** The FOCUS files' contents: the CSV file's bytes and the Parquet columns. */
export interface FocusFiles {
  csv: Buffer;
  columns: Column[];
}

/**
 * The export as CSV bytes and as Parquet columns, in one pass over the rows, each value converted
 * once (a Decimal shared by cells, such as a rate, is formatted once).
 *
 * CSV: costs, prices and quantities as exact decimals, times as `YYYY-MM-DDTHH:mm:ssZ`;
 * with `bom`, the UTF-8 byte order mark first.
 *
 * Parquet: billed costs DECIMAL(38,9), exact costs and unit prices DECIMAL(38,24) (rounded
 * half to even past 24 decimals, which only a non-token quantity with many decimals times a
 * rate with many can reach), quantities DECIMAL(38,18), times TIMESTAMP(MILLIS, UTC).
 */
export function focusFiles(focus: FocusExport, bom = false): FocusFiles {
  const kinds = FOCUS_COLUMNS.map(([, kind]) => kind);
  const csvKinds: CsvKind[] = kinds.map((kind) => (kind === "string" || kind === "json" || kind === "timestamp" ? "text" : "number"));
  const n = focus.rows.length;
  const data = FOCUS_COLUMNS.map(() => new Array<unknown>(n));
  const texts = new Map<string, string>();
  const times = new Map<number, string>();
  const exact = new Map<Decimal, { text: string; scaled: bigint }>();
  const quantities = new Map<Decimal, { text: string; scaled: bigint }>();
  let lastNano: bigint | null = null;
  let lastNanoText = "";
  const csv = new ByteChunks();
  if (bom) csv.write(UTF8_BOM);
  csv.write(
    toCsv(
      FOCUS_COLUMNS.map(([name]) => name),
      csvKinds,
      [],
    ),
  );
  for (let r = 0; r < n; r++) {
    const row = focus.rows[r]!;
    let line = "";
    for (let i = 0; i < kinds.length; i++) {
      if (i > 0) line += ",";
      const v = row[i];
      if (v === null) {
        data[i]![r] = null;
        continue;
      }
      if (v === undefined) {
        data[i]![r] = v;
        continue;
      }
      switch (kinds[i]!) {
        case "timestamp": {
          data[i]![r] = v;
          let t = times.get(v as number);
          if (t === undefined) times.set(v as number, (t = csvCell(`${new Date(v as number).toISOString().slice(0, 19)}Z`, "text")));
          line += t;
          break;
        }
        case "cost":
          data[i]![r] = v;
          if (v !== lastNano) [lastNano, lastNanoText] = [v as bigint, formatNano(v as bigint)];
          line += lastNanoText;
          break;
        case "exact": {
          let e = exact.get(v as Decimal);
          if (e === undefined) {
            const scaled = toScaled(v as Decimal, RATE_SCALE);
            exact.set(v as Decimal, (e = { text: trimmedDecimal({ coef: scaled, scale: RATE_SCALE }), scaled }));
          }
          data[i]![r] = e.scaled;
          line += e.text;
          break;
        }
        case "quantity": {
          let q = quantities.get(v as Decimal);
          if (q === undefined)
            quantities.set(v as Decimal, (q = { text: trimmedDecimal(v as Decimal), scaled: toScaled(v as Decimal, QUANTITY_SCALE) }));
          data[i]![r] = q.scaled;
          line += q.text;
          break;
        }
        case "int64":
          data[i]![r] = v;
          line += csvCell(String(v), csvKinds[i]!);
          break;
        default: {
          data[i]![r] = v;
          const s = typeof v === "string" ? v : String(v);
          let t = texts.get(s);
          if (t === undefined) texts.set(s, (t = csvCell(s, "text")));
          line += t;
        }
      }
    }
    csv.write(`${line}\n`);
  }
  return {
    csv: csv.finish(),
    columns: FOCUS_COLUMNS.map(([name, kind], i) => ({ name, kind: PARQUET_KIND[kind], data: data[i]! })),
  };
}

/** UTF-8 bytes written line by line into 1 MiB chunks: no CSV-sized string is ever built. */
class ByteChunks {
  private readonly full: Buffer[] = [];
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;

  write(text: string): void {
    // A UTF-16 code unit takes at most 3 UTF-8 bytes.
    if (this.used + text.length * 3 > this.chunk.length) {
      this.full.push(this.chunk.subarray(0, this.used));
      this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, text.length * 3));
      this.used = 0;
    }
    this.used += this.chunk.write(text, this.used, "utf8");
  }

  finish(): Buffer {
    return Buffer.concat([...this.full, this.chunk.subarray(0, this.used)]);
  }
}

const CHUNK_BYTES = 1 << 20;

/** A decimal as formatDecimal(normalize(d)) writes it: without trailing zeros after the point. */
function trimmedDecimal(d: Decimal): string {
  const text = formatDecimal(d);
  if (d.scale === 0) return text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--;
  if (text.charCodeAt(end - 1) === 46) end--;
  return text.slice(0, end);
}

function compareKeys(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
