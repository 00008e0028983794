/**
 * The run's totals at the finest grain any output needs: one group per distinct
 * (date, user, virtual account, team, model, provider, account, provider model, region,
 * price source, policy status, unpriced reason, violations, overrides, metadata keys of
 * the extracts), with request counts, token sums and exact nano-USD sums. Extracts, the
 * FOCUS export, the manifest's counts and totals are all computed from it, so they add
 * up to each other by construction, and its size grows with distinct groups, not rows.
 *
 * Workers build a partial rollup per segment (one UTC day of one chunk); the main thread
 * subtracts the rows it finds to be duplicates and merges the partials in input order.
 */
import type { ColumnData } from "../stages/write/parquet-file-writer.ts";
import { COLUMN } from "./segment-builder.ts";

/** Group dimensions read from priced columns, in key order (the date and metadata keys follow). */
export const ROLLUP_COLUMNS = [
  "user",
  "virtual_account",
  "team",
  "model",
  "provider",
  "provider_account",
  "provider_model",
  "region",
  "price_source",
  "policy_status",
  "unpriced_reason",
  "policy_violations",
  "metadata_overrides",
] as const;
export type RollupColumn = (typeof ROLLUP_COLUMNS)[number];

/** Number measures per group, in order. */
export const COUNT_MEASURES = ["requests", "input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens"] as const;
/** Money measures per group: cost (unpriced: 0), list cost (none: 0), list cost else cost (FOCUS ListCost). */
export const MONEY_MEASURES = ["cost_usd", "list_cost_usd", "list_or_cost_usd"] as const;

const NC = COUNT_MEASURES.length;
const NM = MONEY_MEASURES.length;
const COLUMN_INDEX = ROLLUP_COLUMNS.map((c) => COLUMN[c]);

/** A segment's partial rollup, as sent by a worker. */
export interface PartialRollup {
  groups: number;
  /** groups × (ROLLUP_COLUMNS + metadata keys) codes: dictionary codes of the segment's columns, then codes into `metaValues[k]`. */
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
    this.width = ROLLUP_COLUMNS.length + metadataKeys.length;
    this.scratch = new Int32Array(this.width);
  }

  private sameKey(group: number, key: Int32Array): boolean {
    const at = group * this.width;
    for (let i = 0; i < key.length; i++) if (this.keys[at + i] !== key[i]) return false;
    return true;
  }

  /**
   * Adds one row: `codes` are its dictionary codes of ROLLUP_COLUMNS (segment-local),
   * `metadata` its metadata after injection.
   */
  add(row: number, codes: Int32Array, metadata: Record<string, string>, tokens: readonly number[], cost: bigint | null, list: bigint | null): void {
    const key = this.scratch;
    key.set(codes);
    for (let k = 0; k < this.metadataKeys.length; k++) {
      const value = metadata[this.metadataKeys[k]!];
      let code = -1;
      if (value !== undefined) {
        const dict = this.metaDicts[k]!;
        const found = dict.get(value);
        if (found === undefined) {
          code = dict.size;
          dict.set(value, code);
          this.metaValues[k]!.push(value);
        } else code = found;
      }
      key[codes.length + k] = code;
    }
    // Groups are found by a hash of their codes, chained on collision; codes are compared in full.
    let hash = 0x9e3779b9;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ (key[i]! + 1), 0x01000193);
    hash >>>= 0;
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
    this.counts[c] = this.counts[c]! + 1;
    for (let m = 1; m < NC; m++) this.counts[c + m] = this.counts[c + m]! + tokens[m - 1]!;
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
  get keyWidth(): number {
    return this.width;
  }
}

/** Takes one row of a segment out of its partial rollup (a duplicate found by the main thread). */
export function subtractRow(partial: PartialRollup, columns: ColumnData[], row: number): void {
  const group = partial.groupOf[row]!;
  const c = group * NC;
  partial.counts[c]!--;
  const tokenColumns = [COLUMN.input_tokens, COLUMN.cache_read_tokens, COLUMN.cache_write_tokens, COLUMN.output_tokens, COLUMN.reasoning_tokens];
  tokenColumns.forEach((column, m) => {
    partial.counts[c + 1 + m] = partial.counts[c + 1 + m]! - (columns[column] as { values: Float64Array }).values[row]!;
  });
  const cost = moneyAt(columns[COLUMN.cost_usd]!, row);
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

/** The merged rollup of a run (main thread): groups keyed by per-dimension value ids. */
export class Rollup {
  /** Per dimension (date, ROLLUP_COLUMNS, metadata keys): value → id, and id → value. */
  private readonly ids: Array<Map<string, number>>;
  private readonly values: string[][];
  private readonly heads = new Map<number, number>();
  private readonly nextInChain: Array<number | undefined> = [];
  /** groups × width value ids (-1: null). */
  private keys: number[] = [];
  readonly counts: number[] = [];
  readonly money: bigint[] = [];
  private readonly width: number;
  private readonly scratch: Int32Array;

  constructor(readonly metadataKeys: readonly string[]) {
    this.width = 1 + ROLLUP_COLUMNS.length + metadataKeys.length;
    this.ids = Array.from({ length: this.width }, () => new Map());
    this.values = Array.from({ length: this.width }, () => []);
    this.scratch = new Int32Array(this.width);
  }

  get groups(): number {
    return this.nextInChain.length;
  }

  private idOf(dimension: number, value: string | null): number {
    if (value === null) return -1;
    const ids = this.ids[dimension]!;
    let id = ids.get(value);
    if (id === undefined) {
      id = ids.size;
      ids.set(value, id);
      this.values[dimension]!.push(value);
    }
    return id;
  }

  /** The group of the ids in `scratch`, created empty when new. */
  private groupOfScratch(): number {
    const key = this.scratch;
    let hash = 0x9e3779b9;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ (key[i]! + 1), 0x01000193);
    hash >>>= 0;
    let group = this.heads.get(hash);
    while (group !== undefined) {
      const at = group * this.width;
      let same = true;
      for (let i = 0; i < key.length && same; i++) same = this.keys[at + i] === key[i];
      if (same) return group;
      group = this.nextInChain[group];
    }
    group = this.nextInChain.length;
    this.nextInChain.push(this.heads.get(hash));
    this.heads.set(hash, group);
    for (let i = 0; i < key.length; i++) this.keys.push(key[i]!);
    for (let m = 0; m < NC; m++) this.counts.push(0);
    for (let m = 0; m < NM; m++) this.money.push(0n);
    return group;
  }

  private addMeasures(group: number, counts: ArrayLike<number>, countsAt: number, money: readonly bigint[], moneyAt: number): void {
    for (let m = 0; m < NC; m++) this.counts[group * NC + m] = this.counts[group * NC + m]! + counts[countsAt + m]!;
    for (let m = 0; m < NM; m++) this.money[group * NM + m] = this.money[group * NM + m]! + money[moneyAt + m]!;
  }

  /** Adds a group given by its values (date, ROLLUP_COLUMNS, metadata keys) and measures. */
  addGroup(dims: ReadonlyArray<string | null>, counts: ArrayLike<number>, countsAt: number, money: readonly bigint[], moneyAt: number): void {
    for (let d = 0; d < this.width; d++) this.scratch[d] = this.idOf(d, dims[d] ?? null);
    this.addMeasures(this.groupOfScratch(), counts, countsAt, money, moneyAt);
  }

  addRollup(other: Rollup): void {
    for (let g = 0; g < other.groups; g++) this.addGroup(other.dimsOf(g), other.counts, g * NC, other.money, g * NM);
  }

  /** Merges a segment's partial rollup; `columns` give the meaning of its dictionary codes. */
  merge(day: string, partial: PartialRollup, columns: ColumnData[]): void {
    const width = ROLLUP_COLUMNS.length + this.metadataKeys.length;
    // Local codes → this rollup's ids, once per dictionary entry rather than per group.
    const maps = [...COLUMN_INDEX.map((i) => (columns[i] as { dictionary: string[] }).dictionary), ...partial.metaValues].map((dictionary, d) =>
      Int32Array.from(dictionary, (value) => this.idOf(d + 1, value)),
    );
    const dayId = this.idOf(0, day);
    for (let g = 0; g < partial.groups; g++) {
      if (partial.counts[g * NC] === 0) continue; // every row of it was a duplicate
      this.scratch[0] = dayId;
      for (let d = 0; d < width; d++) {
        const code = partial.keys[g * width + d]!;
        this.scratch[d + 1] = code < 0 ? -1 : maps[d]![code]!;
      }
      this.addMeasures(this.groupOfScratch(), partial.counts, g * NC, partial.money, g * NM);
    }
  }

  /** The values of group `g`: date, ROLLUP_COLUMNS, metadata keys. */
  dimsOf(g: number): Array<string | null> {
    const dims: Array<string | null> = [];
    for (let d = 0; d < this.width; d++) {
      const id = this.keys[g * this.width + d]!;
      dims.push(id < 0 ? null : this.values[d]![id]!);
    }
    return dims;
  }

  /** Each group as named dimensions and measures, for the run's stats. */
  *entries(): Generator<{ dims: Record<string, string | null>; requests: number; cost: bigint; list: bigint }> {
    const names = ["date", ...ROLLUP_COLUMNS];
    for (let g = 0; g < this.groups; g++) {
      const values = this.dimsOf(g);
      const dims: Record<string, string | null> = {};
      names.forEach((name, d) => (dims[name] = values[d] ?? null));
      yield { dims, requests: this.counts[g * NC]!, cost: this.money[g * NM]!, list: this.money[g * NM + 1]! };
    }
  }

  /** The rollup as weighted columns (`requests` = rows per group), the shape extracts and FOCUS read. */
  toColumns(): Record<string, unknown[]> & { length: number } {
    const names = ["date", ...ROLLUP_COLUMNS, ...this.metadataKeys.map((k) => `metadata.${k}`)];
    const n = this.groups;
    const columns: Record<string, unknown[]> = {};
    names.forEach((name, d) => {
      const values = this.values[d]!;
      columns[name] = Array.from({ length: n }, (_, g) => {
        const id = this.keys[g * this.width + d]!;
        return id < 0 ? null : values[id]!;
      });
    });
    COUNT_MEASURES.forEach((name, m) => (columns[name] = Array.from({ length: n }, (_, g) => this.counts[g * NC + m]!)));
    MONEY_MEASURES.forEach((name, m) => (columns[name] = Array.from({ length: n }, (_, g) => this.money[g * NM + m]!)));
    return Object.assign(columns, { length: n });
  }
}
