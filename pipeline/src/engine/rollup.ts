/**
 * The run's totals, grouped: request and row counts, token sums and exact nano-USD sums.
 *
 * Workers build a partial rollup per segment (one UTC day of one chunk) at the finest
 * grain any output needs: (user, virtual account, team, model, provider, account,
 * provider model, region, price source, policy status, unpriced reason, violations,
 * overrides, metadata keys of the extracts and the site). The main thread subtracts the
 * rows it finds to be duplicates and projects each partial group into one rollup per
 * output (each day grain of schemas/fields.ts `dayGrains`, with the date: the extracts'
 * grains, FOCUS, the dataset totals, the site's issues and cube; and the run's stats):
 * their size grows with the distinct groups of each output, not with rows, and every
 * output sums the same rows, so they add up to each other by construction. The day
 * grains become the day rollups (history/day-rollup.ts).
 */
import type { ColumnData } from "../parquet/file-writer.ts";
import { requestsOf, ROLLUP_COUNTS, ROLLUP_DIMENSIONS, ROLLUP_MONEY, TOKEN_COLUMNS } from "../schemas/fields.ts";
import { codeOf, COLUMN } from "./segment-builder.ts";

const NC = ROLLUP_COUNTS.length;
/** Where `unpriced_requests` and `rows` are in a group's counts (`requests` is first, the tokens follow it). */
const UNPRICED = ROLLUP_COUNTS.indexOf("unpriced_requests");
const ROWS = ROLLUP_COUNTS.indexOf("rows");
const NM = ROLLUP_MONEY.length;
const COLUMN_INDEX = ROLLUP_DIMENSIONS.map((c) => COLUMN[c]);

/** A segment's partial rollup, as sent by a worker. */
export interface PartialRollup {
  groups: number;
  /** groups × (ROLLUP_DIMENSIONS + metadata keys) codes: dictionary codes of the segment's columns, then codes into `metaValues[k]`. */
  keys: Int32Array;
  metaValues: string[][];
  counts: Float64Array;
  money: bigint[];
  /** The group of each segment row. */
  groupOf: Int32Array;
}

/** Builds the partial rollup of one segment, row by row, in a worker. */
export class PartialRollupBuilder {
  private readonly heads = new Map<number, number>();
  private readonly nextInChain: Array<number | undefined> = [];
  private readonly scratch: Int32Array;
  private keys: number[] = [];
  private readonly counts: number[] = [];
  private readonly money: bigint[] = [];
  private groupOf = new Int32Array(1024);
  private readonly metaDicts: Array<Map<string, number>>;
  readonly metaValues: string[][];
  private readonly width: number;

  constructor(private readonly metadataKeys: readonly string[]) {
    this.metaDicts = metadataKeys.map(() => new Map());
    this.metaValues = metadataKeys.map(() => []);
    this.width = ROLLUP_DIMENSIONS.length + metadataKeys.length;
    this.scratch = new Int32Array(this.width);
  }

  private sameKey(group: number, key: Int32Array): boolean {
    const at = group * this.width;
    for (let i = 0; i < key.length; i++) if (this.keys[at + i] !== key[i]) return false;
    return true;
  }

  /**
   * Adds one row: `codes` are its dictionary codes of ROLLUP_DIMENSIONS (segment-local),
   * `metadata` its metadata after injection, `requests` the calls it counts as (requestsOf).
   */
  add(
    row: number,
    codes: Int32Array,
    metadata: Record<string, string>,
    requests: number,
    tokens: readonly number[],
    cost: bigint | null,
    list: bigint | null,
    unpriced: boolean,
  ): void {
    const key = this.scratch;
    key.set(codes);
    for (let k = 0; k < this.metadataKeys.length; k++) {
      const name = this.metadataKeys[k]!;
      // Own keys only: `constructor` or `__proto__` of a row without them is no value.
      key[codes.length + k] = Object.hasOwn(metadata, name) ? codeOf(this.metaDicts[k]!, this.metaValues[k]!, metadata[name]!) : -1;
    }
    // Groups are found by a hash of their codes, chained on collision; codes are compared in full.
    let hash = 0x9e3779b9;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ (key[i]! + 1), 0x01000193);
    hash &= 0x3fffffff; // a small integer: Map keys stay unboxed
    let group = this.heads.get(hash);
    while (group !== undefined && !this.sameKey(group, key)) group = this.nextInChain[group];
    if (group === undefined) {
      group = this.nextInChain.length;
      this.nextInChain.push(this.heads.get(hash));
      this.heads.set(hash, group);
      for (let i = 0; i < key.length; i++) this.keys.push(key[i]!);
      for (let m = 0; m < NC; m++) this.counts.push(0);
      for (let m = 0; m < NM; m++) this.money.push(0n);
    }
    if (row >= this.groupOf.length) {
      const grown = new Int32Array(this.groupOf.length * 2);
      grown.set(this.groupOf);
      this.groupOf = grown;
    }
    this.groupOf[row] = group;
    const c = group * NC;
    this.counts[c] = this.counts[c]! + requests;
    for (let m = 1; m < UNPRICED; m++) this.counts[c + m] = this.counts[c + m]! + tokens[m - 1]!;
    if (unpriced) this.counts[c + UNPRICED] = this.counts[c + UNPRICED]! + requests;
    this.counts[c + ROWS] = this.counts[c + ROWS]! + 1;
    const g = group * NM;
    if (cost !== null) this.money[g] = this.money[g]! + cost;
    if (list !== null) this.money[g + 1] = this.money[g + 1]! + list;
    const listOrCost = list ?? cost;
    if (listOrCost !== null) this.money[g + 2] = this.money[g + 2]! + listOrCost;
  }

  finish(rows: number): PartialRollup {
    return {
      groups: this.nextInChain.length,
      keys: Int32Array.from(this.keys),
      metaValues: this.metaValues,
      counts: Float64Array.from(this.counts),
      money: this.money,
      groupOf: this.groupOf.slice(0, rows),
    };
  }
}

/** Takes one row of a segment out of its partial rollup (a duplicate found by the main thread). */
export function subtractRow(partial: PartialRollup, columns: ColumnData[], row: number): void {
  const group = partial.groupOf[row]!;
  const c = group * NC;
  const calls = columns[COLUMN.calls] as { values: Float64Array; nulls: Uint8Array };
  const requests = requestsOf(calls.nulls[row] ? null : calls.values[row]!);
  partial.counts[c] = partial.counts[c]! - requests;
  TOKEN_COLUMNS.forEach((name, m) => {
    partial.counts[c + 1 + m] = partial.counts[c + 1 + m]! - (columns[COLUMN[name]] as { values: Float64Array }).values[row]!;
  });
  const cost = moneyAt(columns[COLUMN.cost_usd]!, row);
  if (cost === null) partial.counts[c + UNPRICED] = partial.counts[c + UNPRICED]! - requests; // only unpriced rows have no cost
  partial.counts[c + ROWS]!--;
  const list = moneyAt(columns[COLUMN.list_cost_usd]!, row);
  const g = group * NM;
  if (cost !== null) partial.money[g] = partial.money[g]! - cost;
  if (list !== null) partial.money[g + 1] = partial.money[g + 1]! - list;
  const listOrCost = list ?? cost;
  if (listOrCost !== null) partial.money[g + 2] = partial.money[g + 2]! - listOrCost;
}

function moneyAt(column: ColumnData, row: number): bigint | null {
  const { values, nulls } = column as { values: BigInt64Array; nulls?: Uint8Array };
  return nulls && nulls[row] ? null : values[row]!;
}

/**
 * A Rollup as JSON (Rollup.toJSON): per dimension its values, and per column (each
 * dimension's value indexes, -1 for null; each count; each money sum as nano-USD integers)
 * one text of comma-separated integers, so a reader that does not need a grain parses a
 * string, not thousands of numbers.
 */
export interface RollupJson {
  dimensions: string[];
  values: string[][];
  keys: string[];
  counts: Record<string, string>;
  money: Record<string, string>;
}

/** Totals grouped by some dimensions (an output's): groups keyed by per-dimension value ids. */
export class Rollup {
  /** Per dimension: value → id, and id → value. */
  private readonly ids: Array<Map<string, number>>;
  private readonly values: string[][];
  private readonly heads = new Map<number, number>();
  private readonly nextInChain: Array<number | undefined> = [];
  /** groups × width value ids (-1: null). */
  private keys = new Int32Array(1024);
  private counts = new Float64Array(1024);
  private readonly money: bigint[] = [];
  private readonly width: number;
  private readonly scratch: Int32Array;

  constructor(readonly dimensions: readonly string[]) {
    this.width = dimensions.length;
    this.ids = dimensions.map(() => new Map());
    this.values = dimensions.map(() => []);
    this.scratch = new Int32Array(this.width);
  }

  get groups(): number {
    return this.nextInChain.length;
  }

  /** Adds measures to the group of these values (one per dimension). */
  add(values: ReadonlyArray<string | null>, counts: ArrayLike<number>, countsAt: number, money: readonly bigint[], moneyAt: number): void {
    for (let d = 0; d < this.width; d++) this.scratch[d] = this.idOf(d, values[d] ?? null);
    this.addIds(this.scratch, counts, countsAt, money, moneyAt);
  }

  /** Adds measures to the group of these value ids (idOf, one per dimension); returns the group. */
  addIds(key: Int32Array, counts: ArrayLike<number>, countsAt: number, money: readonly bigint[], moneyAt: number): number {
    const group = this.groupOf(key);
    for (let m = 0; m < NC; m++) this.counts[group * NC + m]! += counts[countsAt + m]!;
    for (let m = 0; m < NM; m++) this.money[group * NM + m] = this.money[group * NM + m]! + money[moneyAt + m]!;
    return group;
  }

  /** The id of a value in a dimension (-1 for null), added when new. */
  idOf(dimension: number, value: string | null): number {
    return value === null ? -1 : codeOf(this.ids[dimension]!, this.values[dimension]!, value);
  }

  /** The group of these ids, created empty when new. */
  private groupOf(key: Int32Array): number {
    const width = this.width;
    let hash = 0x9e3779b9;
    for (let i = 0; i < width; i++) hash = Math.imul(hash ^ (key[i]! + 1), 0x01000193);
    hash &= 0x3fffffff; // a small integer: Map keys stay unboxed
    let group = this.heads.get(hash);
    while (group !== undefined) {
      const at = group * width;
      let same = true;
      for (let i = 0; i < width && same; i++) same = this.keys[at + i] === key[i];
      if (same) return group;
      group = this.nextInChain[group];
    }
    group = this.nextInChain.length;
    this.nextInChain.push(this.heads.get(hash));
    this.heads.set(hash, group);
    if ((group + 1) * width > this.keys.length) this.keys = grow(this.keys, (group + 1) * width);
    if ((group + 1) * NC > this.counts.length) this.counts = grow(this.counts, (group + 1) * NC);
    this.keys.set(key, group * width);
    for (let m = 0; m < NM; m++) this.money.push(0n);
    return group;
  }

  /**
   * Whether every count (requests, token sums) is exact: they are doubles, exact up to
   * 2^53 − 1. Sums of non-negative counts only grow, so a sum past it is seen here, never
   * silently rounded back below.
   */
  countsExact(): boolean {
    const n = this.groups * NC;
    for (let i = 0; i < n; i++) if (this.counts[i]! > Number.MAX_SAFE_INTEGER) return false;
    return true;
  }

  /** The values of group `g`, one per dimension. */
  valuesOf(g: number): Array<string | null> {
    const values: Array<string | null> = [];
    for (let d = 0; d < this.width; d++) {
      const id = this.keys[g * this.width + d]!;
      values.push(id < 0 ? null : this.values[d]![id]!);
    }
    return values;
  }

  /** Each group as named values and measures (`requests` counts calls, `rows` rows). */
  *entries(): Generator<{
    values: Record<string, string | null>;
    requests: number;
    unpricedRequests: number;
    rows: number;
    cost: bigint;
    list: bigint;
  }> {
    for (let g = 0; g < this.groups; g++) {
      const list = this.valuesOf(g);
      const values: Record<string, string | null> = {};
      this.dimensions.forEach((name, d) => (values[name] = list[d] ?? null));
      yield {
        values,
        requests: this.counts[g * NC]!,
        unpricedRequests: this.counts[g * NC + UNPRICED]!,
        rows: this.counts[g * NC + ROWS]!,
        cost: this.money[g * NM]!,
        list: this.money[g * NM + 1]!,
      };
    }
  }

  /**
   * Adds every group to `target`, its values picked by `pick` (indexes into this rollup's
   * dimensions, -1: the month of dimension 0, a date), or only the groups `keep` accepts.
   */
  addTo(target: Rollup, pick: readonly number[], keep?: (values: Array<string | null>) => boolean): void {
    const picked: Array<string | null> = new Array(pick.length);
    for (let g = 0; g < this.groups; g++) {
      const values = this.valuesOf(g);
      if (keep && !keep(values)) continue;
      for (let i = 0; i < pick.length; i++) {
        const from = pick[i]!;
        picked[i] = from < 0 ? (values[0]?.slice(0, 7) ?? null) : (values[from] ?? null);
      }
      target.add(picked, this.counts, g * NC, this.money, g * NM);
    }
  }

  /** The groups split by the value of the first dimension (a date), each part over the other dimensions. */
  split(): Map<string | null, Rollup> {
    const parts = new Map<string | null, Rollup>();
    const rest = this.dimensions.slice(1);
    for (let g = 0; g < this.groups; g++) {
      const values = this.valuesOf(g);
      const first = values.shift()!;
      let part = parts.get(first);
      if (!part) parts.set(first, (part = new Rollup(rest)));
      part.add(values, this.counts, g * NC, this.money, g * NM);
    }
    return parts;
  }

  /** The rollup as JSON (RollupJson). */
  toJSON(): RollupJson {
    const n = this.groups;
    // Every group's value at `at` of each `stride`, comma-separated (as Array.join writes them), in one loop.
    const join = (values: ArrayLike<number | bigint>, stride: number, at: number) => {
      const parts = new Array<string>(n);
      for (let g = 0; g < n; g++) parts[g] = String(values[g * stride + at]);
      return parts.join(",");
    };
    return {
      dimensions: [...this.dimensions],
      values: this.values.map((v) => [...v]),
      keys: this.dimensions.map((_, d) => join(this.keys, this.width, d)),
      counts: Object.fromEntries(ROLLUP_COUNTS.map((name, m) => [name, join(this.counts, NC, m)])),
      money: Object.fromEntries(ROLLUP_MONEY.map((name, m) => [name, join(this.money, NM, m)])),
    };
  }

  /** A rollup from its JSON form (toJSON); throws on a malformed one. */
  static fromJSON(json: RollupJson): Rollup {
    const rollup = new Rollup(json.dimensions);
    const split = (text: string | undefined, what: string): string[] => {
      if (typeof text !== "string") throw new Error(`rollup JSON: no ${what}`);
      return text === "" ? [] : text.split(",");
    };
    const keys = json.dimensions.map((d, i) => split(json.keys[i], `keys of ${d}`).map(Number));
    // A rollup written before `rows` (rollup_version 1) counted every row as one request.
    const counts = ROLLUP_COUNTS.map((name) =>
      split(json.counts[name] ?? (name === "rows" ? json.counts.requests : undefined), name).map(Number),
    );
    const money = ROLLUP_MONEY.map((name) => split(json.money[name], name).map((v) => BigInt(v)));
    const n = counts[0]!.length;
    const groupCounts = new Float64Array(NC);
    const groupMoney: bigint[] = new Array(NM).fill(0n);
    const values: Array<string | null> = new Array(json.dimensions.length);
    for (let g = 0; g < n; g++) {
      for (let d = 0; d < json.dimensions.length; d++) {
        const id = keys[d]![g]!;
        const value = id < 0 ? null : json.values[d]![id];
        if (value === undefined || !Number.isInteger(id))
          throw new Error(`rollup group ${g}: no value ${id} in dimension ${json.dimensions[d]}`);
        values[d] = value;
      }
      for (let m = 0; m < NC; m++) groupCounts[m] = counts[m]![g]!;
      for (let m = 0; m < NM; m++) groupMoney[m] = money[m]![g]!;
      rollup.add(values, groupCounts, 0, groupMoney, 0);
    }
    return rollup;
  }

  /** The groups as weighted columns (`requests` = calls per group, `rows` = rows): the shape extracts and FOCUS read. */
  toColumns(): Record<string, unknown[]> & { length: number } {
    const n = this.groups;
    const columns: Record<string, unknown[]> = {};
    this.dimensions.forEach((name, d) => {
      const values = this.values[d]!;
      columns[name] = Array.from({ length: n }, (_, g) => {
        const id = this.keys[g * this.width + d]!;
        return id < 0 ? null : values[id]!;
      });
    });
    ROLLUP_COUNTS.forEach((name, m) => (columns[name] = Array.from({ length: n }, (_, g) => this.counts[g * NC + m]!)));
    ROLLUP_MONEY.forEach((name, m) => (columns[name] = Array.from({ length: n }, (_, g) => this.money[g * NM + m]!)));
    return Object.assign(columns, { length: n });
  }
}

function grow<T extends Int32Array | Float64Array>(array: T, atLeast: number): T {
  let size = array.length * 2;
  while (size < atLeast) size *= 2;
  const grown = new (array.constructor as new (n: number) => T)(size);
  grown.set(array as never);
  return grown;
}

/** The dimensions a partial rollup group has: the date, ROLLUP_DIMENSIONS, then `metadata.<key>` per extract and site key. */
export function fineDimensions(metadataKeys: readonly string[]): string[] {
  return ["date", ...ROLLUP_DIMENSIONS, ...metadataKeys.map((k) => `metadata.${k}`)];
}

/**
 * One rollup per output of a run (stages/write `rollupOutputs`: each day grain with the
 * date first, and the run's statistics), filled from the workers' partial rollups on the
 * main thread. A dimension is one of fineDimensions, or `month` (the date's YYYY-MM).
 */
export class Rollups {
  readonly byName = new Map<string, Rollup>();
  private readonly fine: string[];
  /** Per output rollup: where each of its dimensions comes from in a fine group (-1: month of the date). */
  private readonly picks: Array<{ name: string; rollup: Rollup; from: number[] }> = [];

  constructor(
    readonly metadataKeys: readonly string[],
    outputs: ReadonlyArray<{ name: string; dimensions: readonly string[] }>,
  ) {
    this.fine = fineDimensions(metadataKeys);
    for (const { name, dimensions } of outputs) {
      const rollup = new Rollup(dimensions);
      this.byName.set(name, rollup);
      this.picks.push({
        name,
        rollup,
        from: dimensions.map((d) => {
          if (d === "month") return -1;
          const at = this.fine.indexOf(d);
          if (at < 0) throw new Error(`rollup dimension ${d} is not one of ${this.fine.join(", ")}`);
          return at;
        }),
      });
    }
  }

  get(name: string): Rollup {
    const rollup = this.byName.get(name);
    if (!rollup) throw new Error(`no rollup ${name}`);
    return rollup;
  }

  /**
   * Merges a segment's partial rollup; `columns` give the meaning of its dictionary codes.
   * With `track`, the name of an output, returns the group of that output each partial group
   * went into (-1: none, all its rows were duplicates).
   */
  merge(day: string, partial: PartialRollup, columns: ColumnData[], track?: string): Int32Array | undefined {
    const width = ROLLUP_DIMENSIONS.length + this.metadataKeys.length;
    const dictionaries = [...COLUMN_INDEX.map((i) => (columns[i] as { dictionary: string[] }).dictionary), ...partial.metaValues];
    const tracked = track === undefined ? undefined : new Int32Array(partial.groups).fill(-1);
    for (const { name, rollup, from } of this.picks) {
      const into = name === track ? tracked : undefined;
      // Each segment code is looked up in the rollup once (-2: not yet), not once per group.
      const key = new Int32Array(from.length);
      const ids: Array<Int32Array | undefined> = [];
      for (let d = 0; d < from.length; d++) {
        const f = from[d]!;
        if (f > 0) ids[d] = new Int32Array(dictionaries[f - 1]!.length).fill(-2);
        else key[d] = rollup.idOf(d, f === 0 ? day : day.slice(0, 7)); // the date or its month: one value per segment
      }
      for (let g = 0; g < partial.groups; g++) {
        if (partial.counts[g * NC + ROWS] === 0) continue; // every row of it was a duplicate
        for (let d = 0; d < from.length; d++) {
          const f = from[d]!;
          if (f <= 0) continue;
          const code = partial.keys[g * width + f - 1]!;
          if (code < 0) key[d] = -1;
          else {
            const known = ids[d]!;
            if (known[code] === -2) known[code] = rollup.idOf(d, dictionaries[f - 1]![code]!);
            key[d] = known[code]!;
          }
        }
        const group = rollup.addIds(key, partial.counts, g * NC, partial.money, g * NM);
        if (into) into[g] = group;
      }
    }
    if (track !== undefined && !this.byName.has(track)) throw new Error(`no rollup ${track}`);
    return tracked;
  }
}
