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
import { COMPONENTS, tokenRateSpecs, type ComponentName, type TokenRateSpec } from "../pricing/price-call.ts";
import { tokensTimesRate } from "../pricing/compile-plan.ts";
import type { ColumnData } from "../parquet/file-writer.ts";
import { isUnpriced, resolveRate, type RatePlan, type Resolution } from "../pricing/resolve-rate.ts";
import type { RateField } from "../schemas/cost-fields.schema.ts";
import { createRateKey, privatePeriodEdges } from "../stages/price/index.ts";
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
  sig: Sig;
  calls: number;
  /** Whole quantities (tokens, requests) summed as a number; decimal ones (seconds, …) as a Decimal. */
  count: number;
  exact: Decimal | null;
  /** Billed nano-USD: `small` sums values read as numbers while it stays exact, `billed` the rest. */
  small: number;
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
  /** Input, cache read, cache write, output (TOKEN_PARTS order). */
  tokens: TokenPrice[];
  request: Sig | null;
  /** In UNIT_RATES order. */
  units: Array<Sig | null>;
}

/** A text token component's rates on both sides, and the sig of each pair of brackets (-1: the base rate) met so far. */
interface TokenPrice {
  component: ComponentName;
  own: TokenRateSpec;
  ownMode: "cumulative" | "marginal";
  list: TokenRateSpec;
  listMode: "cumulative" | "marginal";
  /** Neither side has tiers: every call is one piece, `base`. */
  base: Sig | null;
  sigs: Map<number, Sig>;
  priceRef: string;
}

const TOKEN_PARTS = ["input", "cache_read", "cache_write", "output"] as const;

// Scratch for the brackets of one component of one call: quantities and tier indexes (-1: base) on each side, then the pieces.
const OWN_Q = new Float64Array(64);
const OWN_I = new Int32Array(64);
const LIST_Q = new Float64Array(64);
const LIST_I = new Int32Array(64);
const PIECE_Q = new Float64Array(128);
const PIECE_C = new Int32Array(128);
const PIECE_L = new Int32Array(128);

/** Sums past this are flushed from a number into a bigint (every integer below 2^53 is exact as a double). */
const EXACT = 2 ** 52;

/** One segment's (or partition's) pieces summed by (group, sig), before they are keyed by the groups' values. */
class GroupSums {
  private readonly byGroup: Array<Array<PieceSum | undefined> | undefined> = [];
  readonly touched: Array<{ group: number; sum: PieceSum }> = [];

  put(group: number, sig: Sig, calls: number, quantity: number | Decimal, billed: number | bigint): void {
    const sigs = (this.byGroup[group] ??= []);
    let sum = sigs[sig.id];
    if (sum === undefined) {
      sigs[sig.id] = sum = { sig, calls: 0, count: 0, exact: null, small: 0, billed: 0n };
      this.touched.push({ group, sum });
    }
    sum.calls += calls;
    if (typeof quantity === "number") sum.count += quantity;
    else sum.exact = sum.exact === null ? quantity : add(sum.exact, quantity);
    if (typeof billed === "bigint") sum.billed += billed;
    else {
      sum.small += billed;
      if (sum.small > EXACT || sum.small < -EXACT) {
        sum.billed += BigInt(sum.small);
        sum.small = 0;
      }
    }
  }
}

// addSegment reads nano-USD from a BigInt64Array's two 32-bit halves: little-endian only.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class FocusPieceCollector {
  private readonly keyOf: ReturnType<typeof createRateKey>;
  /** Per model with private prices: the edges of their periods (createRateKey's), sorted. */
  private readonly periodEdges: Map<string, number[]>;
  private readonly entries = new Map<string, Entry>();
  private readonly sigIds = new Map<string, Sig>();
  private readonly sigs: Sig[] = [];
  /** Per day: its pieces by group and sig, and the values of its groups (one id space per day: the run's FOCUS rollup, or the rows path's). */
  private readonly days = new Map<string, { sums: GroupSums; valuesOf: (group: number) => Array<string | null> }>();
  private readonly gatewayCache: Sig;
  private readonly decimalTexts = new WeakMap<Decimal, string>();

  constructor(
    private readonly book: PricingBook,
    private readonly pricingVersion: string,
    /** The FOCUS grain's dimensions after the date. */
    readonly dimensions: readonly string[],
    /** false: every row through piecesOfCall (the property test compares both ways). */
    private readonly fastPath = true,
  ) {
    this.keyOf = createRateKey(book);
    this.periodEdges = privatePeriodEdges(book);
    this.gatewayCache = this.sig("gateway_cache", null, null, null, true);
  }

  /**
   * Adds rows [0, rows) of a day but those `skip` marks: each row's pieces to the group
   * `groupOf(r)`, whose FOCUS values are `valuesOf(group)` (one per dimension). Within a
   * day, one group is one set of values, in every call (the run: its FOCUS rollup's groups).
   */
  add(
    day: string,
    reader: PieceRowReader,
    rows: number,
    groupOf: (r: number) => number,
    valuesOf: (group: number) => Array<string | null>,
    skip?: Uint8Array,
  ): void {
    const sums = this.sumsOf(day, valuesOf);
    for (let r = 0; r < rows; r++) if (!skip?.[r]) this.addRow(reader, r, groupOf(r), sums);
  }

  /**
   * `add` for a merged segment's columns (engine/segment-builder.ts), on the main thread for
   * every row a run keeps: the common call (one resolution key without tiers or audio rates,
   * no audio tokens, no units) is read straight from the columns; any other takes `addRow`.
   */
  addSegment(
    day: string,
    columns: ColumnData[],
    rows: number,
    groupOf: Int32Array,
    valuesOf: (group: number) => Array<string | null>,
    skip?: Uint8Array,
  ): void {
    const sums = this.sumsOf(day, valuesOf);
    const reader = pieceReaderOfColumns(columns);
    const dict = (name: keyof typeof COLUMN) => columns[COLUMN[name]] as { codes: Int32Array; dictionary: string[] };
    const numbers = (name: keyof typeof COLUMN) => columns[COLUMN[name]] as { values: Float64Array; nulls?: Uint8Array };
    const source = dict("price_source");
    // Per price source code: 0 unpriced, 1 gateway cache hit, 2 priced from the rates.
    const kindOf = source.dictionary.map((v) => (v === "unpriced" ? 0 : v === "gateway_cache" ? 1 : 2));
    const version = dict("pricing_version");
    const stale = version.dictionary.map((v) => v !== this.pricingVersion);
    const model = dict("model");
    const region = dict("region");
    const tier = dict("service_tier");
    const batch = (columns[COLUMN.batch] as { values: Uint8Array }).values;
    const privateEdges = model.dictionary.map((m) => this.periodEdges.get(m));
    const timestamps = numbers("timestamp").values;
    const [input, cacheRead, cacheWrite, output, audioIn, audioOut] = (
      ["input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens", "input_audio_tokens", "output_audio_tokens"] as const
    ).map((name) => numbers(name).values) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const write1h = numbers("cache_write_1h_tokens").values;
    const calls = numbers("calls");
    const units = UNIT_RATES.map(({ field }) => dict(field).codes);
    const nanoOf = (name: keyof typeof COLUMN) => {
      const { values, nulls } = columns[COLUMN[name]] as { values: BigInt64Array; nulls?: Uint8Array };
      const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
      // Nano-USD as a number when it is exact as one (|value| < 2^53), else as a bigint.
      return (r: number): number | bigint => {
        if (nulls?.[r]) return 0;
        const high = halves[2 * r + 1]!;
        if (!LITTLE_ENDIAN || high >= 0x200000 || high < -0x200000) return values[r]!;
        return high * 4294967296 + (halves[2 * r]! >>> 0);
      };
    };
    const costInput = nanoOf("input_cost_usd");
    const costCacheRead = nanoOf("cache_read_cost_usd");
    const costCacheWrite = nanoOf("cache_write_cost_usd");
    const costOutput = nanoOf("output_cost_usd");
    const costRequest = nanoOf("request_cost_usd");
    const listNull = (columns[COLUMN.list_cost_usd] as { nulls?: Uint8Array }).nulls;
    // The resolution of a key of model, region, batch and tier codes (models with private prices: by time too, through entryOf).
    const entryCache = new Map<number, Entry>();
    const periodCache = new Map<number, Entry[]>();
    const regions = region.dictionary.length + 1;
    const tiers = tier.dictionary.length + 1;
    for (let r = 0; r < rows; r++) {
      if (skip?.[r]) continue;
      const kind = kindOf[source.codes[r]!];
      if (kind === 0) continue;
      const group = groupOf[r]!;
      const m = model.codes[r]!;
      let hasUnits = false;
      for (let u = 0; u < units.length && !hasUnits; u++) hasUnits = units[u]![r]! >= 0;
      if (kind === 1 || stale[version.codes[r]!]) {
        this.addRow(reader, r, group, sums);
        continue;
      }
      // The key of model, region, batch and tier codes; a model with private prices resolves by which of its periods' edges the call is past too.
      const key = ((m * regions + region.codes[r]! + 1) * 2 + batch[r]!) * tiers + tier.codes[r]! + 1;
      const edges = privateEdges[m];
      let entry: Entry | undefined;
      if (edges === undefined) {
        entry = entryCache.get(key);
        if (entry === undefined) entryCache.set(key, (entry = this.entryOf(reader, r)));
      } else {
        let period = 0;
        while (period < edges.length && edges[period]! <= timestamps[r]!) period++;
        let byPeriod = periodCache.get(key);
        if (byPeriod === undefined) periodCache.set(key, (byPeriod = []));
        entry = byPeriod[period] ??= this.entryOf(reader, r);
      }
      const simple = entry.simple;
      // 1-hour cache writes take addRow too (their own component, or cache_write without a 1-hour rate).
      if (simple === null || (simple.ownList && listNull?.[r]) || hasUnits || audioIn[r] !== 0 || audioOut[r] !== 0 || write1h[r] !== 0) {
        this.addRow(reader, r, group, sums, entry);
        continue;
      }
      const n = calls.nulls?.[r] ? 1 : calls.values[r] || 1;
      const prompt = input[r]!;
      const read = cacheRead[r]!;
      const write = cacheWrite[r]!;
      const text = prompt - read - write;
      const tokens = simple.tokens;
      if (text > 0) this.addTokens(tokens[0]!, text, prompt, costInput(r), group, n, sums);
      if (read > 0) this.addTokens(tokens[1]!, read, prompt, costCacheRead(r), group, n, sums);
      if (write > 0) this.addTokens(tokens[2]!, write, prompt, costCacheWrite(r), group, n, sums);
      if (output[r]! > 0) this.addTokens(tokens[3]!, output[r]!, prompt, costOutput(r), group, n, sums);
      if (simple.request !== null) sums.put(group, simple.request, n, calls.nulls?.[r] ? 1 : calls.values[r]!, costRequest(r));
    }
  }

  /** Adds one priced row's pieces to its group; `known`: the row's entry (entryOf), when the caller has it. */
  private addRow(reader: PieceRowReader, r: number, group: number, sums: GroupSums, known?: Entry): void {
    const source = reader.priceSource(r);
    if (source === "unpriced" || source === null) return;
    const calls = reader.calls(r) || 1;
    if (source === "gateway_cache") {
      sums.put(group, this.gatewayCache, calls, calls, reader.cost(r) ?? 0n);
      return;
    }
    const version = reader.pricingVersion(r);
    if (version !== null && version !== this.pricingVersion) {
      this.addUnrated(reader, r, group, calls, sums);
      return;
    }
    const entry = known ?? this.entryOf(reader, r);
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
      const prompt = reader.tokens("input_tokens", r);
      const cacheRead = reader.tokens("cache_read_tokens", r);
      const cacheWrite = reader.tokens("cache_write_tokens", r);
      const counts = [prompt - cacheRead - cacheWrite, cacheRead, cacheWrite, reader.tokens("output_tokens", r)];
      TOKEN_PARTS.forEach((part, k) => {
        if (counts[k]! > 0) this.addTokens(simple.tokens[k]!, counts[k]!, prompt, reader.componentCost(part, r)!, group, calls, sums);
      });
      if (simple.request !== null) sums.put(group, simple.request, calls, reader.calls(r) ?? 1, reader.componentCost("request", r)!);
      for (let u = 0; u < UNIT_RATES.length; u++) {
        const text = reader.unit(UNIT_RATES[u]!.field, r);
        const sig = simple.units[u];
        if (text === null || sig === null || sig === undefined) continue;
        const quantity = parseDecimal(text);
        if (quantity.coef !== 0n) sums.put(group, sig, calls, quantity, reader.componentCost(UNIT_RATES[u]!.component, r)!);
      }
      return;
    }
    const pieces = piecesOfCall(entry.resolution, this.callOf(reader, r), reader.priceRef(r) ?? "");
    if (pieces === null) throw new Error(`FOCUS pieces: a ${source} row of ${reader.model(r)} is unpriced when priced again`);
    for (const piece of pieces) {
      const sig = this.sig(piece.component, piece.rate, piece.list_rate, piece.price_id, isWhole(piece.component));
      sums.put(group, sig, calls, sig.whole ? wholeOf(piece.quantity) : piece.quantity, piece.billed);
    }
  }

  /**
   * One text token component of one call: one piece when neither side has tiers; else the
   * brackets of both sides merged at their boundaries, every piece but the last billed its
   * own rounded quantity × rate and the last the rest of the component's cost.
   */
  private addTokens(
    price: TokenPrice,
    count: number,
    prompt: number,
    cost: number | bigint,
    group: number,
    calls: number,
    sums: GroupSums,
  ): void {
    if (price.base !== null) {
      sums.put(group, price.base, calls, count, cost);
      return;
    }
    const own = splitTokens(price.own, price.ownMode, count, prompt, OWN_Q, OWN_I);
    const list = splitTokens(price.list, price.listMode, count, prompt, LIST_Q, LIST_I);
    let pieces = 0;
    let i = 0;
    let j = 0;
    let ownLeft = OWN_Q[0]!;
    let listLeft = LIST_Q[0]!;
    while (i < own && j < list) {
      const q = Math.min(ownLeft, listLeft);
      PIECE_Q[pieces] = q;
      PIECE_C[pieces] = OWN_I[i]!;
      PIECE_L[pieces++] = LIST_I[j]!;
      ownLeft -= q;
      listLeft -= q;
      if (ownLeft === 0) ownLeft = OWN_Q[++i]!;
      if (listLeft === 0) listLeft = LIST_Q[++j]!;
    }
    if (pieces === 1) {
      sums.put(group, this.tokenSig(price, PIECE_C[0]!, PIECE_L[0]!), calls, count, cost);
      return;
    }
    let rest = typeof cost === "bigint" ? cost : BigInt(cost);
    for (let p = 0; p < pieces; p++) {
      const at = PIECE_C[p]!;
      const rate = at < 0 ? price.own.rate! : price.own.tiers![at]!.rate;
      const billed = p === pieces - 1 ? rest : tokensTimesRate(PIECE_Q[p]!, rate);
      rest -= billed;
      sums.put(group, this.tokenSig(price, at, PIECE_L[p]!), calls, PIECE_Q[p]!, billed);
    }
  }

  /** The sig of a token component's piece at a contracted and a list bracket (-1: the base rate). */
  private tokenSig(price: TokenPrice, ownAt: number, listAt: number): Sig {
    const key = (ownAt + 1) * 1024 + listAt + 1;
    let sig = price.sigs.get(key);
    if (sig === undefined) {
      const rate = ownAt < 0 ? price.own.rate! : price.own.tiers![ownAt]!.rate;
      const listRate = listAt < 0 ? price.list.rate : price.list.tiers![listAt]!.rate;
      const field = ownAt < 0 ? price.own.field : `${price.own.tierField}[${ownAt}].cost_per_token`;
      sig = this.sig(price.component, rate, listRate ?? rate, `${price.priceRef}:${field}`, true);
      price.sigs.set(key, sig);
    }
    return sig;
  }

  private sumsOf(day: string, valuesOf: (group: number) => Array<string | null>): GroupSums {
    let held = this.days.get(day);
    if (held === undefined) this.days.set(day, (held = { sums: new GroupSums(), valuesOf }));
    held.valuesOf = valuesOf;
    return held.sums;
  }

  /** The day's pieces, sorted (deterministic); an empty list when it has none. */
  finish(day: string): FocusPiecesJson {
    const held = this.days.get(day);
    const rows = (held?.sums.touched ?? []).map(({ group, sum }): Array<string | number | null> => {
      const quantity = sum.sig.whole ? fromInteger(sum.count) : add(sum.exact ?? fromInteger(0), fromInteger(sum.count));
      return [
        ...held!.valuesOf(group),
        sum.sig.component,
        sum.sig.rate,
        sum.sig.list_rate,
        sum.sig.price_id,
        sum.calls,
        formatDecimal(quantity),
        (sum.billed + BigInt(sum.small)).toString(),
      ];
    });
    // Sorted by their JSON text (computed once per row): deterministic whatever the order rows came in.
    const keyed = rows.map((row) => ({ row, key: JSON.stringify(row) }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.days.delete(day);
    return { dimensions: [...this.dimensions], rows: keyed.map((k) => k.row) };
  }

  private sig(component: PieceComponent, rate: Decimal | null, listRate: Decimal | null, priceId: string | null, whole: boolean): Sig {
    const rateText = rate === null ? null : this.textOf(rate);
    const listText = listRate === null ? null : this.textOf(listRate);
    const key = `${component}\u0000${rateText}\u0000${listText}\u0000${priceId}`;
    let sig = this.sigIds.get(key);
    if (sig === undefined) {
      sig = { id: this.sigs.length, component, rate: rateText, list_rate: listText, price_id: priceId, whole };
      this.sigs.push(sig);
      this.sigIds.set(key, sig);
    }
    return sig;
  }

  /** A rate's text, formatted once per Decimal (a plan's rates are the same objects in every call it prices; Decimals are never changed). */
  private textOf(d: Decimal): string {
    let text = this.decimalTexts.get(d);
    if (text === undefined) this.decimalTexts.set(d, (text = formatDecimal(d)));
    return text;
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
    const own = tokenRateSpecs(plan.effective);
    const listed = tokenRateSpecs(list.effective);
    return {
      ownList: list !== plan,
      tokens: TOKEN_PARTS.map((part): TokenPrice => {
        const price: TokenPrice = {
          component: part,
          own: own[part],
          ownMode: plan.effective.mode,
          list: listed[part],
          listMode: list.effective.mode,
          base: null,
          sigs: new Map(),
          priceRef,
        };
        // A component without a rate has no tokens in a priced call: it never needs a sig.
        if (!own[part].tiers?.length && !listed[part].tiers?.length && own[part].rate) price.base = this.tokenSig(price, -1, -1);
        return price;
      }),
      request: sigOf("request", "input_cost_per_request"),
      units: UNIT_RATES.map((unit) => sigOf(unit.component, unit.rate)),
    };
  }

  /** Pieces without rates for a row priced with other prices: one per component with a cost, its quantity as priced. */
  private addUnrated(reader: PieceRowReader, r: number, group: number, calls: number, sums: GroupSums): void {
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
      sums.put(group, this.sig(component, null, null, ref, true), calls, quantity, cost);
    }
    for (const unit of UNIT_RATES) {
      const text = reader.unit(unit.field, r);
      const cost = reader.componentCost(unit.component, r);
      if (text === null || cost === null || cost === 0n) continue;
      sums.put(group, this.sig(unit.component, null, null, ref, false), calls, parseDecimal(text), cost);
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

/** A plan that splits a call's tokens only by their kind: no audio rates (tiers are split in addTokens). */
function isSimple(plan: RatePlan): boolean {
  const { rates } = plan.effective;
  return !rates.input_cost_per_audio_token && !rates.output_cost_per_audio_token;
}

/**
 * A component's brackets on one side, as applyPlan prices them (price-call.ts `cumulative`,
 * `marginal`): quantities into `q`, tier indexes (-1: the base rate) into `at`; returns how many.
 */
function splitTokens(
  spec: TokenRateSpec,
  mode: "cumulative" | "marginal",
  count: number,
  prompt: number,
  q: Float64Array,
  at: Int32Array,
): number {
  const tiers = spec.tiers;
  if (!tiers || tiers.length === 0) {
    q[0] = count;
    at[0] = -1;
    return 1;
  }
  if (mode === "cumulative") {
    let chosen = -1;
    for (let i = 0; i < tiers.length; i++) if (prompt > tiers[i]!.from) chosen = i;
    q[0] = count;
    at[0] = chosen;
    return 1;
  }
  let n = 0;
  const base = Math.min(count, tiers[0]!.from);
  if (base > 0) {
    q[n] = base;
    at[n++] = -1;
  }
  for (let i = 0; i < tiers.length; i++) {
    const upper = i + 1 < tiers.length ? tiers[i + 1]!.from : Infinity;
    const part = Math.min(count, upper) - tiers[i]!.from;
    if (part > 0) {
      q[n] = part;
      at[n++] = i;
    }
  }
  return n;
}

/** A whole-number quantity as a number. */
function wholeOf(quantity: Decimal): number {
  return Number(quantity.coef / pow10(quantity.scale));
}

function isWhole(component: PieceComponent): boolean {
  return !UNIT_RATES.some((unit) => unit.component === component);
}

/** How a reader gets at a column's values by name: text, numbers, nano-USD, booleans. */
interface ColumnAccess {
  text(name: string): (r: number) => string | null;
  number(name: string): (r: number) => number | null;
  money(name: string): (r: number) => bigint | null;
  bool(name: string): (r: number) => boolean;
}

/** The priced-row reader over some column access: the same fields for segment columns and rows read back. */
function readerOf(access: ColumnAccess): PieceRowReader {
  const { text, number, money } = access;
  const batch = access.bool("batch");
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
    batch,
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

/** Segment columns (engine/segment-builder.ts) read as priced rows. */
export function pieceReaderOfColumns(columns: ColumnData[]): PieceRowReader {
  const at = (name: string) => columns[COLUMN[name as keyof typeof COLUMN]] as { nulls?: Uint8Array };
  return readerOf({
    text: (name) => {
      const c = at(name) as { codes: Int32Array; dictionary: string[] };
      return (r) => (c.codes[r]! < 0 ? null : c.dictionary[c.codes[r]!]!);
    },
    number: (name) => {
      const c = at(name) as { values: Float64Array; nulls?: Uint8Array };
      return (r) => (c.nulls?.[r] ? null : c.values[r]!);
    },
    money: (name) => {
      const c = at(name) as { values: BigInt64Array; nulls?: Uint8Array };
      return (r) => (c.nulls?.[r] ? null : c.values[r]!);
    },
    bool: (name) => {
      const c = at(name) as { values: Uint8Array };
      return (r) => c.values[r] === 1;
    },
  });
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
  const absent = (v: unknown) => v === null || v === undefined;
  return readerOf({
    text: (name) => {
      const values = column(name);
      return (r) => (values[r] as string | null | undefined) ?? null;
    },
    number: (name) => {
      const values = column(name);
      return (r) => (absent(values[r]) ? null : Number(values[r]));
    },
    money: (name) => {
      const values = column(name);
      return (r) => (absent(values[r]) ? null : BigInt(values[r] as bigint));
    },
    bool: (name) => {
      const values = column(name);
      return (r) => values[r] === true;
    },
  });
}
