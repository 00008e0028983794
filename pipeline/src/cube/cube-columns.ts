/**
 * The cube in the browser as typed columns, and the few operations the pages need over
 * them: select the rows a filter keeps, sum measures, group by dimensions. No JavaScript
 * value is made per cell: a dimension is an Int32Array of codes into its values (code 0
 * is the absent value), a count a Float64Array, money a Float64Array of nano-USD.
 *
 * Money stays exact. A money column keeps Float64 cells only when every cell is an integer
 * of at most 2^52 nano-USD (4.5 million USD per cube row), else it keeps bigints. Sums add
 * Float64 cells into a Float64 accumulator that is moved into a bigint before it can pass
 * 2^52, so every addition is of two integers whose sum is below 2^53: exact. A sum is a
 * bigint.
 */
import { formatNano } from "../pricing/money.ts";
import { CsvBytes } from "../lib/csv-bytes.ts";

/** The largest |nano-USD| a Float64 money cell or accumulator holds (sums of two stay below 2^53: exact). */
export const SAFE_NANO = 2 ** 52;

export interface DimColumn {
  kind: "dim";
  /** One code per cube row: an index into `values`. */
  codes: Int32Array;
  /** The column's distinct values; `values[0]` is null (the absent value). */
  values: (string | null)[];
}

export interface CountColumn {
  kind: "count";
  values: Float64Array;
}

export interface MoneyColumn {
  kind: "money";
  /** Nano-USD per row (absent: 0), when every cell is within ±SAFE_NANO. */
  values: Float64Array | null;
  /** Nano-USD per row when some cell is not: exact bigints. */
  big: bigint[] | null;
}

export type Column = DimColumn | CountColumn | MoneyColumn;

/** Rows of the cube: its columns and the rows kept (null: every row). */
export class CubeRows {
  constructor(
    readonly columns: ReadonlyMap<string, Column>,
    /** Row indices kept, ascending; null keeps all `size` rows. */
    readonly index: Int32Array | null,
    /** The number of rows of the whole cube. */
    readonly size: number,
  ) {}

  /** Rows kept. */
  get length(): number {
    return this.index ? this.index.length : this.size;
  }

  column(name: string): Column {
    const column = this.columns.get(name);
    if (!column) throw new Error(`the cube has no column ${name} here (columns: ${[...this.columns.keys()].join(", ")})`);
    return column;
  }

  dim(name: string): DimColumn {
    const column = this.column(name);
    if (column.kind !== "dim") throw new Error(`cube column ${name} is a measure, not a dimension`);
    return column;
  }

  /** The same columns with only the rows of `index` (indices into the whole cube). */
  keep(index: Int32Array): CubeRows {
    return new CubeRows(this.columns, index, this.size);
  }

  /** These rows with an extra column (e.g. `month`, derived from `date`). */
  with(name: string, column: Column): CubeRows {
    return new CubeRows(new Map([...this.columns, [name, column]]), this.index, this.size);
  }

  /** Calls `f` with each kept row's index into the whole cube. */
  forEach(f: (row: number) => void): void {
    const { index } = this;
    if (index) for (let i = 0; i < index.length; i++) f(index[i]!);
    else for (let r = 0; r < this.size; r++) f(r);
  }
}

/**
 * Cube rows from plain arrays (tests, small tables): strings and nulls make a dimension,
 * numbers a count, bigints money. A column of nulls only is a dimension.
 */
export function rowsFromArrays(data: Record<string, ArrayLike<unknown>>): CubeRows {
  const columns = new Map<string, Column>();
  let size = 0;
  for (const [name, values] of Object.entries(data)) {
    size = values.length;
    const sample = Array.from(values).find((v) => v !== null && v !== undefined);
    if (typeof sample === "bigint") columns.set(name, moneyColumn(Array.from(values, (v) => (typeof v === "bigint" ? v : 0n))));
    else if (typeof sample === "number") columns.set(name, { kind: "count", values: Float64Array.from(values, (v) => Number(v ?? 0)) });
    else columns.set(name, dimColumn(Array.from(values, (v) => (v === undefined ? null : (v as string | null)))));
  }
  return new CubeRows(columns, null, size);
}

/** A dimension column from one value per row. */
export function dimColumn(cells: (string | null)[]): DimColumn {
  const values: (string | null)[] = [null];
  const code = new Map<string, number>();
  const codes = new Int32Array(cells.length);
  cells.forEach((v, i) => {
    if (v === null) return;
    let c = code.get(v);
    if (c === undefined) code.set(v, (c = values.push(v) - 1));
    codes[i] = c;
  });
  return { kind: "dim", codes, values };
}

/** A money column from exact nano-USD cells: Float64 when every cell is safe, else bigints. */
export function moneyColumn(cells: bigint[]): MoneyColumn {
  const limit = BigInt(SAFE_NANO);
  if (cells.every((v) => v <= limit && v >= -limit)) return { kind: "money", values: Float64Array.from(cells, Number), big: null };
  return { kind: "money", values: null, big: cells };
}

const codeMaps = new WeakMap<DimColumn, Map<string, number>>();

/** The code of `value` in a dimension (null: the absent value's code 0), or -1 when no row holds it. */
export function codeOf(column: DimColumn, value: string | null): number {
  if (value === null) return 0;
  let map = codeMaps.get(column);
  if (!map) {
    map = new Map();
    for (let c = 1; c < column.values.length; c++) map.set(column.values[c]!, c);
    codeMaps.set(column, map);
  }
  return map.get(value) ?? -1;
}

const rankCache = new WeakMap<DimColumn, Int32Array>();

/** Each code's position when the values are sorted as extracts sort them: absent first, then by UTF-16 code units. */
export function ranksOf(column: DimColumn): Int32Array {
  let ranks = rankCache.get(column);
  if (!ranks) {
    const order = column.values.map((_, c) => c).slice(1);
    order.sort((a, b) => {
      const x = column.values[a]!;
      const y = column.values[b]!;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    ranks = new Int32Array(column.values.length);
    order.forEach((c, i) => (ranks![c] = i + 1));
    rankCache.set(column, ranks);
  }
  return ranks;
}

/** Rows whose value in each dimension is one of the allowed codes (`allowed[code]` true). */
export function selectRows(rows: CubeRows, conditions: { column: DimColumn; allowed: Uint8Array }[]): CubeRows {
  if (conditions.length === 0) return rows;
  const out = new Int32Array(rows.length);
  let n = 0;
  const test = (r: number) => {
    for (const { column, allowed } of conditions) if (!allowed[column.codes[r]!]) return;
    out[n++] = r;
  };
  rows.forEach(test);
  return rows.keep(out.slice(0, n));
}

/** The exact sum of a money column over the kept rows. */
export function sumMoney(rows: CubeRows, column: MoneyColumn): bigint {
  let big = 0n;
  if (column.big) {
    const cells = column.big;
    rows.forEach((r) => (big += cells[r]!));
    return big;
  }
  const cells = column.values!;
  let acc = 0;
  rows.forEach((r) => {
    acc += cells[r]!;
    if (acc >= SAFE_NANO || acc <= -SAFE_NANO) {
      big += BigInt(acc);
      acc = 0;
    }
  });
  return big + BigInt(acc);
}

/** The sum of a count column over the kept rows. */
export function sumCount(rows: CubeRows, column: CountColumn): number {
  const cells = column.values;
  let sum = 0;
  rows.forEach((r) => (sum += cells[r]!));
  return sum;
}

/**
 * Exact money sums per group: a Float64 part (an integer below 2^53 in magnitude) and, for
 * the groups that outgrew it, a bigint part.
 */
export class MoneySums {
  constructor(
    readonly small: Float64Array,
    readonly big: Map<number, bigint>,
  ) {}

  get(group: number): bigint {
    const big = this.big.get(group);
    return big === undefined ? BigInt(this.small[group]!) : big + BigInt(this.small[group]!);
  }

  /** Writes the group's sum into `csv` as exact decimal USD, as `formatNano` writes it (after `csv.room(MAX_NUMBER)`). */
  write(group: number, csv: CsvBytes): void {
    if (this.big.size !== 0 && this.big.has(group)) {
      const text = CsvBytes.encode(formatNano(this.get(group)));
      csv.room(text.length);
      csv.bytes(text);
    } else csv.nano(this.small[group]!);
  }

  total(): bigint {
    let acc = 0;
    let big = 0n;
    for (let g = 0; g < this.small.length; g++) {
      acc += this.small[g]!;
      if (acc >= SAFE_NANO || acc <= -SAFE_NANO) {
        big += BigInt(acc);
        acc = 0;
      }
    }
    for (const v of this.big.values()) big += v;
    return big + BigInt(acc);
  }
}

/** Groups of rows: each group's code per dimension and its sums. */
export interface Groups {
  /** Number of groups. */
  length: number;
  /** Per grouped dimension, each group's code. */
  codes: Int32Array[];
  dims: DimColumn[];
  /** Per count measure, each group's sum. */
  counts: Map<string, Float64Array>;
  /** Per money measure, each group's exact sum. */
  money: Map<string, MoneySums>;
}

/**
 * Groups the kept rows by `dims` (in that order) and sums `measures` per group. Groups come
 * in the order their first row appears; `sortGroups` orders them as extracts are. Two
 * passes: each row's group, then each measure summed in one tight loop.
 */
export function groupRows(rows: CubeRows, dims: DimColumn[], measures: string[]): Groups {
  const n = rows.length;
  const index = rows.index;
  const rowAt = (i: number) => (index ? index[i]! : i);
  const { group, first, length } = groupIds(rows, dims);
  const codes = dims.map((d) => {
    const out = new Int32Array(length);
    for (let g = 0; g < length; g++) out[g] = d.codes[first[g]!]!;
    return out;
  });
  const counts = new Map<string, Float64Array>();
  const money = new Map<string, MoneySums>();
  for (const name of measures) {
    const column = rows.column(name);
    if (column.kind === "count") {
      const cells = column.values;
      const sums = new Float64Array(length);
      if (index)
        for (let i = 0; i < n; i++) {
          const g = group[i]!;
          sums[g] = sums[g]! + cells[index[i]!]!;
        }
      else
        for (let i = 0; i < n; i++) {
          const g = group[i]!;
          sums[g] = sums[g]! + cells[i]!;
        }
      counts.set(name, sums);
    } else if (column.kind === "money") {
      const acc = new Float64Array(length);
      const over = new Map<number, bigint>();
      const add = (g: number, v: bigint) => over.set(g, (over.get(g) ?? 0n) + v);
      if (column.big) for (let i = 0; i < n; i++) add(group[i]!, column.big[rowAt(i)]!);
      else {
        const cells = column.values!;
        for (let i = 0; i < n; i++) {
          const g = group[i]!;
          const sum = acc[g]! + cells[index ? index[i]! : i]!;
          if (sum >= SAFE_NANO || sum <= -SAFE_NANO) {
            add(g, BigInt(sum));
            acc[g] = 0;
          } else acc[g] = sum;
        }
      }
      money.set(name, new MoneySums(acc, over));
    } else throw new Error(`cube column ${name} is a dimension, not a measure`);
  }
  return { length, codes, dims, counts, money };
}

/** Each kept row's group (by its codes in `dims`), and each group's first row. */
function groupIds(rows: CubeRows, dims: DimColumn[]): { group: Int32Array; first: Int32Array; length: number } {
  const n = rows.length;
  const index = rows.index;
  const group = new Int32Array(n);
  let first = new Int32Array(1024);
  let length = 0;
  const open = (r: number): number => {
    if (length === first.length) {
      const grown = new Int32Array(first.length * 2);
      grown.set(first);
      first = grown;
    }
    first[length] = r;
    return length++;
  };
  const sizes = dims.map((d) => d.values.length);
  const product = sizes.reduce((p, s) => p * s, 1);
  // The codes' combined number: code_0 · stride_0 + code_1 · stride_1 + …
  const strides = sizes.map((_, i) => sizes.slice(i + 1).reduce((p, s) => p * s, 1));
  if (dims.length === 0) {
    if (n > 0) open(index ? index[0]! : 0);
  } else if (product <= Math.max(1 << 16, n * 4) && product <= 1 << 24) {
    // A table from the codes' combined number to the group.
    const table = new Int32Array(product).fill(-1);
    const [a, b] = dims;
    for (let i = 0; i < n; i++) {
      const r = index ? index[i]! : i;
      let key: number;
      if (dims.length === 1) key = a!.codes[r]!;
      else if (dims.length === 2) key = a!.codes[r]! * strides[0]! + b!.codes[r]!;
      else {
        key = 0;
        for (let d = 0; d < dims.length; d++) key += dims[d]!.codes[r]! * strides[d]!;
      }
      let g = table[key]!;
      if (g < 0) table[key] = g = open(r);
      group[i] = g;
    }
  } else if (product <= Number.MAX_SAFE_INTEGER) {
    // A hash table of typed arrays (open addressing, linear probing, at most half full) from
    // the codes' combined number to the group: no Map entry or heap number per key.
    let capacity = 1024;
    while (capacity < n * 2) capacity *= 2;
    const keys = new Float64Array(capacity);
    const slots = new Int32Array(capacity).fill(-1);
    const mask = capacity - 1;
    for (let i = 0; i < n; i++) {
      const r = index ? index[i]! : i;
      let key = 0;
      for (let d = 0; d < dims.length; d++) key += dims[d]!.codes[r]! * strides[d]!;
      let h = hashKey(key) & mask;
      for (;;) {
        const g = slots[h]!;
        if (g < 0) {
          keys[h] = key;
          slots[h] = group[i] = open(r);
          break;
        }
        if (keys[h] === key) {
          group[i] = g;
          break;
        }
        h = (h + 1) & mask;
      }
    }
  } else {
    // Past 2^53 combinations: a Map from the codes as text to the group.
    const map = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const r = index ? index[i]! : i;
      const key = dims.map((d) => d.codes[r]).join(",");
      let g = map.get(key);
      if (g === undefined) map.set(key, (g = open(r)));
      group[i] = g;
    }
  }
  return { group, first: first.subarray(0, length), length };
}

/** A 32-bit hash of a non-negative integer below 2^53: its two 32-bit halves mixed (MurmurHash3's finaliser). */
function hashKey(key: number): number {
  let h = ((key % 4294967296) | 0) ^ Math.imul((key / 4294967296) | 0, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Group indices in extract order: by each dimension's value, absent first, then by UTF-16 code units. */
export function sortGroups(groups: Groups): Int32Array {
  const n = groups.length;
  const order = new Int32Array(n);
  const ranks = groups.dims.map((d, i) => ({ ranks: ranksOf(d), codes: groups.codes[i]! }));
  const sizes = groups.dims.map((d) => d.values.length);
  if (sizes.reduce((p, s) => p * s, 1) * n <= Number.MAX_SAFE_INTEGER) {
    // Each group's ranks and index packed in one exact number: a native numeric sort orders them.
    const packed = new Float64Array(n);
    for (let g = 0; g < n; g++) {
      let k = 0;
      for (let i = 0; i < ranks.length; i++) k = k * sizes[i]! + ranks[i]!.ranks[ranks[i]!.codes[g]!]!;
      packed[g] = k * n + g;
    }
    packed.sort();
    for (let i = 0; i < n; i++) order[i] = packed[i]! % n;
    return order;
  }
  for (let g = 0; g < n; g++) order[g] = g;
  return order.sort((a, b) => {
    for (const { ranks: r, codes } of ranks) {
      const d = r[codes[a]!]! - r[codes[b]!]!;
      if (d !== 0) return d;
    }
    return 0;
  });
}

/** A dimension derived from another by a function of its values (e.g. month from date). */
export function deriveDim(source: DimColumn, f: (value: string) => string): DimColumn {
  const values: (string | null)[] = [null];
  const code = new Map<string, number>();
  const map = new Int32Array(source.values.length);
  for (let c = 1; c < source.values.length; c++) {
    const v = f(source.values[c]!);
    let d = code.get(v);
    if (d === undefined) code.set(v, (d = values.push(v) - 1));
    map[c] = d;
  }
  const codes = new Int32Array(source.codes.length);
  for (let r = 0; r < codes.length; r++) codes[r] = map[source.codes[r]!]!;
  return { kind: "dim", codes, values };
}
