/**
 * Each day's FOCUS pieces (pricing/focus-pieces.ts) summed at the FOCUS grain: for every
 * group of the grain and every (component, contracted rate, list rate, price), the calls,
 * the exact quantity and the billed nano-USD. They go into the day rollups beside the
 * grains (history/day-rollup.ts `focus_pieces`), and the FOCUS export is built from them
 * (stages/write/focus.ts). The run's kept rows are added on the main thread once duplicates
 * are gone (engine/accumulate-chunks.ts), a kept day's rows when its rollup is rebuilt
 * (history/day-rollup-from-rows.ts); both read priced rows through a PieceRowReader.
 *
 * A row's rates are its resolution's (the same key as the run's pricer: createRateKey).
 * A row priced with other prices than the current ones (another `pricing_version`, rows
 * path only) gets pieces without rates: their cost is the row's, never a guess.
 */
import { TOKEN_FIELDS, UNIT_RATES, type Call, type UnitField } from "../pricing/call.ts";
import { notCharged, piecesOfCall, type PieceComponent } from "../pricing/focus-pieces.ts";
import type { PricingBook } from "../pricing/load-pricing.ts";
import { add, formatDecimal, fromInteger, parseDecimal, pow10, type Decimal } from "../pricing/money.ts";
import { COMPONENTS, type ComponentName } from "../pricing/price-call.ts";
import type { ColumnData } from "../parquet/file-writer.ts";
import { isUnpriced, resolveRate, type RatePlan, type Resolution } from "../pricing/resolve-rate.ts";
import type { RateField } from "../schemas/cost-fields.schema.ts";
import { createRateKey } from "../stages/price/index.ts";
import { COLUMN } from "./segment-builder.ts";

/** Token fields a piece reads. */
type TokenField = (typeof TOKEN_FIELDS)[number];

/** Priced rows, read row by row (segment columns on the main thread, or a partition read back). */
export interface PieceRowReader {
  priceSource(r: number): string | null;
  priceRef(r: number): string | null;
  pricingVersion(r: number): string | null;
  model(r: number): string;
  region(r: number): string | null;
  batch(r: number): boolean;
  serviceTier(r: number): string | null;
  timestamp(r: number): number;
  calls(r: number): number | null;
  tokens(field: TokenField, r: number): number;
  unit(field: UnitField, r: number): string | null;
  componentCost(component: ComponentName, r: number): bigint | null;
  cost(r: number): bigint | null;
  listCost(r: number): bigint | null;
}

/** A day's pieces as JSON: per piece the grain's values (dimensions, without the date), then PIECE_FIELDS. */
export interface FocusPiecesJson {
  dimensions: string[];
  rows: Array<Array<string | number | null>>;
}

/** What follows a piece's grain values in FocusPiecesJson rows. */
export const PIECE_FIELDS = ["component", "rate", "list_rate", "price_id", "calls", "quantity", "billed_nano"] as const;

/** The pieces of a FOCUS group summed. */
interface PieceSum {
  values: Array<string | null>;
  sig: Sig;
  calls: number;
  /** Whole quantities (tokens, requests) summed as a number; decimal ones (seconds, …) as a Decimal. */
  count: number;
  exact: Decimal | null;
  billed: bigint;
}

/** What a piece is, apart from its quantity and cost. */
interface Sig {
  id: number;
  component: PieceComponent;
  rate: string | null;
  list_rate: string | null;
  price_id: string | null;
  /** The quantity is a whole number (tokens, requests). */
  whole: boolean;
}

/** Per resolution key: the resolution, and for a plan without tiers or audio rates the sig of each component. */
interface Entry {
  resolution: Resolution;
  simple: SimpleSigs | null;
}

interface SimpleSigs {
  /** The list price is another plan than the price in force. */
  ownList: boolean;
  input: Sig | null;
  cache_read: Sig | null;
  cache_write: Sig | null;
  output: Sig | null;
  request: Sig | null;
  /** In UNIT_RATES order. */
  units: Array<Sig | null>;
}

const MAX_SIGS = 1 << 20;

export class FocusPieceCollector {
  private readonly keyOf: ReturnType<typeof createRateKey>;
  private readonly entries = new Map<string, Entry>();
  private readonly sigIds = new Map<string, Sig>();
  private readonly sigs: Sig[] = [];
  private readonly days = new Map<string, Map<string, PieceSum>>();

  constructor(
    private readonly book: PricingBook,
    private readonly pricingVersion: string,
    /** The FOCUS grain's dimensions after the date. */
    readonly dimensions: readonly string[],
    /** false: every row through piecesOfCall (the property test compares both ways). */
    private readonly fastPath = true,
  ) {
    this.keyOf = createRateKey(book);
  }

  /**
   * Adds rows [0, rows) of a day but those `skip` marks: each row's pieces to the group
   * `groupOf(r)`, whose FOCUS values are `valuesOf(group)` (one per dimension).
   */
  add(
    day: string,
    reader: PieceRowReader,
    rows: number,
    groupOf: (r: number) => number,
    valuesOf: (group: number) => Array<string | null>,
    skip?: Uint8Array,
  ): void {
    // Summed by (group, sig) first, then once per such pair by the group's values.
    const local = new Map<number, PieceSum>();
    const put = (group: number, sig: Sig, calls: number, quantity: number | Decimal, billed: bigint) => {
      const key = group * MAX_SIGS + sig.id;
      let sum = local.get(key);
      if (sum === undefined) local.set(key, (sum = { values: [], sig, calls: 0, count: 0, exact: null, billed: 0n }));
      sum.calls += calls;
      if (typeof quantity === "number") sum.count += quantity;
      else sum.exact = sum.exact === null ? quantity : add(sum.exact, quantity);
      sum.billed += billed;
      return sum;
    };
    const groups = new Map<number, number>();
    for (let r = 0; r < rows; r++) {
      if (skip?.[r]) continue;
      const source = reader.priceSource(r);
      if (source === "unpriced" || source === null) continue;
      const group = groupOf(r);
      groups.set(group, group);
      const calls = reader.calls(r) || 1;
      if (source === "gateway_cache") {
        put(group, this.sig("gateway_cache", null, null, null, true), calls, calls, reader.cost(r) ?? 0n);
        continue;
      }
      const version = reader.pricingVersion(r);
      if (version !== null && version !== this.pricingVersion) {
        this.addUnrated(reader, r, group, calls, put);
        continue;
      }
      const entry = this.entryOf(reader, r);
      const simple = entry.simple;
      // A call the list price cannot price (a part it has no rate for) takes piecesOfCall, which gives it no list rates.
      const listed = simple === null || !simple.ownList || reader.listCost(r) !== null;
      if (
        simple !== null &&
        listed &&
        reader.tokens("input_audio_tokens", r) === 0 &&
        reader.tokens("output_audio_tokens", r) === 0 &&
        !reader.tokens("cache_write_1h_tokens", r)
      ) {
        const cacheRead = reader.tokens("cache_read_tokens", r);
        const cacheWrite = reader.tokens("cache_write_tokens", r);
        const input = reader.tokens("input_tokens", r) - cacheRead - cacheWrite;
        if (input > 0) put(group, simple.input!, calls, input, reader.componentCost("input", r)!);
        if (cacheRead > 0) put(group, simple.cache_read!, calls, cacheRead, reader.componentCost("cache_read", r)!);
        if (cacheWrite > 0) put(group, simple.cache_write!, calls, cacheWrite, reader.componentCost("cache_write", r)!);
        const output = reader.tokens("output_tokens", r);
        if (output > 0) put(group, simple.output!, calls, output, reader.componentCost("output", r)!);
        if (simple.request !== null) put(group, simple.request, calls, reader.calls(r) ?? 1, reader.componentCost("request", r)!);
        for (let u = 0; u < UNIT_RATES.length; u++) {
          const text = reader.unit(UNIT_RATES[u]!.field, r);
          const sig = simple.units[u];
          if (text === null || sig === null || sig === undefined) continue;
          const quantity = parseDecimal(text);
          if (quantity.coef !== 0n) put(group, sig, calls, quantity, reader.componentCost(UNIT_RATES[u]!.component, r)!);
        }
        continue;
      }
      const pieces = piecesOfCall(entry.resolution, this.callOf(reader, r), reader.priceRef(r) ?? "");
      if (pieces === null) throw new Error(`FOCUS pieces: a ${source} row of ${reader.model(r)} is unpriced when priced again`);
      for (const piece of pieces) {
        const sig = this.sig(piece.component, piece.rate, piece.list_rate, piece.price_id, isWhole(piece.component));
        put(group, sig, calls, sig.whole ? wholeOf(piece.quantity) : piece.quantity, piece.billed);
      }
    }
    let sums = this.days.get(day);
    if (!sums) this.days.set(day, (sums = new Map()));
    const valuesByGroup = new Map<number, { values: Array<string | null>; key: string }>();
    for (const group of groups.keys()) {
      const values = valuesOf(group);
      valuesByGroup.set(group, { values, key: JSON.stringify(values) });
    }
    for (const [key, sum] of local) {
      const group = Math.floor(key / MAX_SIGS);
      const { values, key: valuesKey } = valuesByGroup.get(group)!;
      const dayKey = `${valuesKey}\u0000${sum.sig.id}`;
      const into = sums.get(dayKey);
      if (into === undefined) {
        sums.set(dayKey, { ...sum, values });
        continue;
      }
      into.calls += sum.calls;
      into.count += sum.count;
      if (sum.exact !== null) into.exact = into.exact === null ? sum.exact : add(into.exact, sum.exact);
      into.billed += sum.billed;
    }
  }

  /** The day's pieces, sorted (deterministic); an empty list when it has none. */
  finish(day: string): FocusPiecesJson {
    const sums = [...(this.days.get(day)?.values() ?? [])];
    const rows = sums.map((sum): Array<string | number | null> => {
      const quantity = sum.sig.whole ? fromInteger(sum.count) : add(sum.exact ?? fromInteger(0), fromInteger(sum.count));
      return [
        ...sum.values,
        sum.sig.component,
        sum.sig.rate,
        sum.sig.list_rate,
        sum.sig.price_id,
        sum.calls,
        formatDecimal(quantity),
        sum.billed.toString(),
      ];
    });
    rows.sort(compareRows);
    this.days.delete(day);
    return { dimensions: [...this.dimensions], rows };
  }

  private sig(component: PieceComponent, rate: Decimal | null, listRate: Decimal | null, priceId: string | null, whole: boolean): Sig {
    const rateText = rate === null ? null : formatDecimal(rate);
    const listText = listRate === null ? null : formatDecimal(listRate);
    const key = `${component}\u0000${rateText}\u0000${listText}\u0000${priceId}`;
    let sig = this.sigIds.get(key);
    if (sig === undefined) {
      if (this.sigs.length === MAX_SIGS) throw new Error(`FOCUS pieces: more than ${MAX_SIGS} distinct prices`);
      sig = { id: this.sigs.length, component, rate: rateText, list_rate: listText, price_id: priceId, whole };
      this.sigs.push(sig);
      this.sigIds.set(key, sig);
    }
    return sig;
  }

  private entryOf(reader: PieceRowReader, r: number): Entry {
    const key = this.keyOf({
      model: reader.model(r),
      timestamp: reader.timestamp(r),
      region: reader.region(r),
      batch: reader.batch(r),
      service_tier: reader.serviceTier(r),
    });
    let entry = this.entries.get(key);
    if (entry === undefined) {
      const resolution = resolveRate(this.book, this.callOf(reader, r));
      entry = { resolution, simple: this.fastPath ? this.simpleSigs(resolution, reader.priceRef(r) ?? "") : null };
      this.entries.set(key, entry);
    }
    return entry;
  }

  /**
   * The sig of each component when every part of a call is priced at one rate on both sides
   * (no tiers, no audio rates): what piecesOfCall gives for such a call, without pricing it.
   */
  private simpleSigs(resolution: Resolution, priceRef: string): SimpleSigs | null {
    if (isUnpriced(resolution.plan)) return null;
    const plan = resolution.plan;
    const list = resolution.list === null || isUnpriced(resolution.list) ? plan : resolution.list;
    if (!isSimple(plan) || !isSimple(list)) return null;
    const sigOf = (component: PieceComponent, own: RateField, fallback?: RateField): Sig | null => {
      const field = plan.effective.rates[own] ? own : fallback;
      const rate = field ? plan.effective.rates[field] : undefined;
      const listField = list.effective.rates[own] ? own : fallback;
      const listRate = listField ? list.effective.rates[listField] : undefined;
      // Charged by the list price only (a per-request fee a private price waives): contracted at 0.
      if (!rate)
        return listRate
          ? this.sig(
              component,
              fromInteger(0),
              listRate,
              notCharged(priceRef, list.effective.fieldOf[listField!] ?? listField!),
              isWhole(component),
            )
          : null;
      const fieldName = plan.effective.fieldOf[field!] ?? field!;
      return this.sig(component, rate, listRate ?? rate, `${priceRef}:${fieldName}`, isWhole(component));
    };
    return {
      ownList: list !== plan,
      input: sigOf("input", "input_cost_per_token"),
      cache_read: sigOf("cache_read", "cache_read_input_token_cost", "input_cost_per_token"),
      cache_write: sigOf("cache_write", "cache_creation_input_token_cost", "input_cost_per_token"),
      output: sigOf("output", "output_cost_per_token"),
      request: sigOf("request", "input_cost_per_request"),
      units: UNIT_RATES.map((unit) => sigOf(unit.component, unit.rate)),
    };
  }

  /** Pieces without rates for a row priced with other prices: one per component with a cost, its quantity as priced. */
  private addUnrated(
    reader: PieceRowReader,
    r: number,
    group: number,
    calls: number,
    put: (group: number, sig: Sig, calls: number, quantity: number | Decimal, billed: bigint) => unknown,
  ): void {
    const audioIn = reader.componentCost("input_audio", r) !== 0n ? reader.tokens("input_audio_tokens", r) : 0;
    const audioOut = reader.componentCost("output_audio", r) !== 0n ? reader.tokens("output_audio_tokens", r) : 0;
    const cacheRead = reader.tokens("cache_read_tokens", r);
    const cacheWrite = reader.tokens("cache_write_tokens", r);
    // 1-hour writes are a component of their own only when the row's price had a 1-hour rate (else they are in cache_write).
    const cacheWrite1h = reader.componentCost("cache_write_1h", r) ? reader.tokens("cache_write_1h_tokens", r) : 0;
    const whole: Array<[ComponentName, number]> = [
      ["input", reader.tokens("input_tokens", r) - cacheRead - cacheWrite - audioIn],
      ["cache_read", cacheRead],
      ["cache_write", cacheWrite - cacheWrite1h],
      ["cache_write_1h", cacheWrite1h],
      ["input_audio", audioIn],
      ["output", reader.tokens("output_tokens", r) - audioOut],
      ["output_audio", audioOut],
      ["request", reader.calls(r) ?? 1],
    ];
    const ref = reader.priceRef(r);
    for (const [component, quantity] of whole) {
      const cost = reader.componentCost(component, r);
      if (cost === null || quantity <= 0 || (component === "request" && cost === 0n)) continue;
      put(group, this.sig(component, null, null, ref, true), calls, quantity, cost);
    }
    for (const unit of UNIT_RATES) {
      const text = reader.unit(unit.field, r);
      const cost = reader.componentCost(unit.component, r);
      if (text === null || cost === null || cost === 0n) continue;
      put(group, this.sig(unit.component, null, null, ref, false), calls, parseDecimal(text), cost);
    }
  }

  /** The call a priced row was priced as (its region is the one it was priced in). */
  private callOf(reader: PieceRowReader, r: number): Call {
    const call: Call = {
      model: reader.model(r),
      timestamp: reader.timestamp(r),
      region: reader.region(r),
      input_tokens: reader.tokens("input_tokens", r),
      output_tokens: reader.tokens("output_tokens", r),
      cache_read_tokens: reader.tokens("cache_read_tokens", r),
      cache_write_tokens: reader.tokens("cache_write_tokens", r),
      cache_write_1h_tokens: reader.tokens("cache_write_1h_tokens", r),
      input_audio_tokens: reader.tokens("input_audio_tokens", r),
      output_audio_tokens: reader.tokens("output_audio_tokens", r),
      batch: reader.batch(r),
      service_tier: reader.serviceTier(r),
    };
    const calls = reader.calls(r);
    if (calls !== null) call.calls = calls;
    for (const { field } of UNIT_RATES) {
      const text = reader.unit(field, r);
      if (text !== null) call[field] = parseDecimal(text);
    }
    return call;
  }
}

/** A plan whose every component is priced at one rate: no tier lists, no audio rates. */
function isSimple(plan: RatePlan): boolean {
  const { rates, tiers } = plan.effective;
  return !rates.input_cost_per_audio_token && !rates.output_cost_per_audio_token && Object.values(tiers).every((t) => !t || t.length === 0);
}

/** A whole-number quantity as a number. */
function wholeOf(quantity: Decimal): number {
  return Number(quantity.coef / pow10(quantity.scale));
}

function isWhole(component: PieceComponent): boolean {
  return !UNIT_RATES.some((unit) => unit.component === component);
}

function compareRows(a: ReadonlyArray<unknown>, b: ReadonlyArray<unknown>): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Segment columns (engine/segment-builder.ts) read as priced rows. */
export function pieceReaderOfColumns(columns: ColumnData[]): PieceRowReader {
  const dict = (name: keyof typeof COLUMN) => {
    const c = columns[COLUMN[name]] as { codes: Int32Array; dictionary: string[] };
    return (r: number): string | null => (c.codes[r]! < 0 ? null : c.dictionary[c.codes[r]!]!);
  };
  const number = (name: keyof typeof COLUMN) => {
    const c = columns[COLUMN[name]] as { values: Float64Array; nulls?: Uint8Array };
    return (r: number): number | null => (c.nulls?.[r] ? null : c.values[r]!);
  };
  const money = (name: keyof typeof COLUMN) => {
    const c = columns[COLUMN[name]] as { values: BigInt64Array; nulls?: Uint8Array };
    return (r: number): bigint | null => (c.nulls?.[r] ? null : c.values[r]!);
  };
  const batch = columns[COLUMN.batch] as { values: Uint8Array };
  const tokens = Object.fromEntries(TOKEN_FIELDS.map((f) => [f, number(f)])) as Record<TokenField, (r: number) => number | null>;
  const units = Object.fromEntries(UNIT_RATES.map(({ field }) => [field, dict(field)])) as Record<UnitField, (r: number) => string | null>;
  const costs = Object.fromEntries(COMPONENTS.map((c) => [c, money(`${c}_cost_usd` as keyof typeof COLUMN)])) as Record<
    ComponentName,
    (r: number) => bigint | null
  >;
  const timestamp = number("timestamp");
  return {
    priceSource: dict("price_source"),
    priceRef: dict("price_ref"),
    pricingVersion: dict("pricing_version"),
    model: dict("model") as (r: number) => string,
    region: dict("region"),
    batch: (r) => batch.values[r] === 1,
    serviceTier: dict("service_tier"),
    timestamp: (r) => timestamp(r)!,
    calls: number("calls"),
    tokens: (field, r) => tokens[field](r) ?? 0,
    unit: (field, r) => units[field](r),
    componentCost: (component, r) => costs[component](r),
    cost: money("cost_usd"),
    listCost: money("list_cost_usd"),
  };
}

/** The priced columns a PieceRowReader reads from a partition. */
export const PIECE_COLUMNS = [
  "price_source",
  "price_ref",
  "pricing_version",
  "model",
  "region",
  "batch",
  "service_tier",
  "timestamp",
  "calls",
  ...TOKEN_FIELDS,
  ...UNIT_RATES.map((u) => u.field),
  ...COMPONENTS.map((c) => `${c}_cost_usd`),
  "cost_usd",
  "list_cost_usd",
];

/** A partition's rows read back (readPartitionColumns, PIECE_COLUMNS among them) as priced rows. */
export function pieceReaderOfRows(rows: Record<string, unknown[]>): PieceRowReader {
  const column = (name: string) => {
    const values = rows[name];
    if (!values) throw new Error(`FOCUS pieces: no column ${name}`);
    return values;
  };
  const text = (name: string) => {
    const values = column(name);
    return (r: number): string | null => (values[r] as string | null | undefined) ?? null;
  };
  const number = (name: string) => {
    const values = column(name);
    return (r: number): number | null => (values[r] === null || values[r] === undefined ? null : Number(values[r]));
  };
  const money = (name: string) => {
    const values = column(name);
    return (r: number): bigint | null => (values[r] === null || values[r] === undefined ? null : BigInt(values[r] as bigint));
  };
  const batch = column("batch");
  const tokens = Object.fromEntries(TOKEN_FIELDS.map((f) => [f, number(f)])) as Record<TokenField, (r: number) => number | null>;
  const units = Object.fromEntries(UNIT_RATES.map(({ field }) => [field, text(field)])) as Record<UnitField, (r: number) => string | null>;
  const costs = Object.fromEntries(COMPONENTS.map((c) => [c, money(`${c}_cost_usd`)])) as Record<
    ComponentName,
    (r: number) => bigint | null
  >;
  const timestamp = number("timestamp");
  return {
    priceSource: text("price_source"),
    priceRef: text("price_ref"),
    pricingVersion: text("pricing_version"),
    model: text("model") as (r: number) => string,
    region: text("region"),
    batch: (r) => batch[r] === true,
    serviceTier: text("service_tier"),
    timestamp: (r) => timestamp(r)!,
    calls: number("calls"),
    tokens: (field, r) => tokens[field](r) ?? 0,
    unit: (field, r) => units[field](r),
    componentCost: (component, r) => costs[component](r),
    cost: money("cost_usd"),
    listCost: money("list_cost_usd"),
  };
}
