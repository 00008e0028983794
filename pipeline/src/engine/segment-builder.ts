import type { ColumnData } from "../parquet/file-writer.ts";
import { PRICED_COLUMNS } from "../dataset/priced-columns.ts";

/** How each priced column is held in memory: dictionary codes, text, numbers, nano-USD bigints or booleans. */
export type Storage = "dict" | "text" | "number" | "bigint" | "bool";

/** High-cardinality text columns are kept as strings; every other text column is dictionary-encoded. */
const TEXT_COLUMNS = new Set(["request_id", "metadata"]);

export const STORAGE: readonly Storage[] = PRICED_COLUMNS.map(([name, kind]) => {
  if (kind === "money") return "bigint";
  if (kind === "int64" || kind === "int32" || kind === "timestamp") return "number";
  if (kind === "boolean") return "bool";
  return TEXT_COLUMNS.has(name) ? "text" : "dict";
});

/** Column index by name, for the row writers. */
export const COLUMN = Object.fromEntries(PRICED_COLUMNS.map(([name], i) => [name, i])) as Record<
  (typeof PRICED_COLUMNS)[number][0],
  number
>;

/**
 * Priced rows of one UTC day, column by column, growing as rows are appended: what a
 * worker sends the main thread (every array is transferable or a plain string list).
 */
export class SegmentBuilder {
  rows = 0;
  private capacity: number;
  private readonly dicts: Array<Map<string, number> | undefined> = [];
  private readonly values: Array<string[] | undefined> = [];
  private readonly codes: Array<Int32Array | undefined> = [];
  /** Text columns, PLAIN-encoded as they are set (no string is kept alive): bytes, end offset per row, write position. */
  private readonly texts: Array<{ bytes: Buffer; offsets: Int32Array; at: number } | undefined> = [];
  private readonly numbers: Array<Float64Array | undefined> = [];
  private readonly bigints: Array<BigInt64Array | undefined> = [];
  private readonly bools: Array<Uint8Array | undefined> = [];
  private readonly nulls: Array<Uint8Array | undefined> = [];
  /** The last value set per dict column and its code: runs of one value skip the map. */
  private readonly lastValue: Array<string | undefined> = [];
  private readonly lastCode = new Int32Array(STORAGE.length);

  /** `capacity`: rows to make room for up front (the arrays double when more come). */
  constructor(
    readonly day: string,
    capacity = 1024,
  ) {
    this.capacity = capacity;
    STORAGE.forEach((storage, i) => {
      if (storage === "dict") {
        this.dicts[i] = new Map();
        this.values[i] = [];
        this.codes[i] = new Int32Array(this.capacity);
      } else if (storage === "text") {
        this.texts[i] = { bytes: Buffer.allocUnsafeSlow(64 * this.capacity), offsets: new Int32Array(this.capacity + 1), at: 0 };
        this.nulls[i] = new Uint8Array(this.capacity);
      } else if (storage === "number") this.numbers[i] = new Float64Array(this.capacity);
      else if (storage === "bigint") this.bigints[i] = new BigInt64Array(this.capacity);
      else this.bools[i] = new Uint8Array(this.capacity);
      if (storage !== "dict" && storage !== "text") this.nulls[i] = new Uint8Array(this.capacity);
    });
  }

  /** Starts a new row; returns its index. Set every column of it before the next call. */
  next(): number {
    if (this.rows === this.capacity) this.grow();
    return this.rows++;
  }

  /** Sets a dictionary-encoded text column; returns the code (-1 for null). */
  dict(column: number, row: number, value: string | null): number {
    let code = -1;
    if (value !== null && value === this.lastValue[column]) code = this.lastCode[column]!;
    else if (value !== null) {
      code = codeOf(this.dicts[column]!, this.values[column]!, value);
      this.lastValue[column] = value;
      this.lastCode[column] = code;
    }
    this.codes[column]![row] = code;
    return code;
  }

  text(column: number, row: number, value: string | null): void {
    const t = this.texts[column]!;
    if (value === null) this.nulls[column]![row] = 1;
    else {
      if (t.at + 4 + value.length * 3 > t.bytes.length) {
        const grown = Buffer.allocUnsafeSlow(Math.max(t.bytes.length * 2, t.at + 4 + value.length * 3));
        t.bytes.copy(grown, 0, 0, t.at);
        t.bytes = grown;
      }
      const n = t.bytes.write(value, t.at + 4);
      t.bytes.writeUInt32LE(n, t.at);
      t.at += 4 + n;
    }
    t.offsets[row + 1] = t.at;
  }

  number(column: number, row: number, value: number | null): void {
    if (value === null) this.nulls[column]![row] = 1;
    else this.numbers[column]![row] = value;
  }

  bigint(column: number, row: number, value: bigint | null): void {
    if (value === null) this.nulls[column]![row] = 1;
    else this.bigints[column]![row] = value;
  }

  bool(column: number, row: number, value: boolean): void {
    this.bools[column]![row] = value ? 1 : 0;
  }

  /** The dictionary code a row has in a dict column. */
  codeAt(column: number, row: number): number {
    return this.codes[column]![row]!;
  }

  /** The dictionary value of a code, for the rollup. */
  valueOf(column: number, code: number): string | null {
    return code < 0 ? null : this.values[column]![code]!;
  }

  /** The columns in PRICED_COLUMNS order, trimmed to `rows`. */
  finish(): ColumnData[] {
    const n = this.rows;
    return STORAGE.map((storage, i): ColumnData => {
      const nulls = this.nulls[i]?.slice(0, n);
      switch (storage) {
        case "dict":
          return { type: "dict", codes: this.codes[i]!.slice(0, n), dictionary: this.values[i]! };
        case "text": {
          const t = this.texts[i]!;
          return { type: "bytes", data: new Uint8Array(t.bytes.subarray(0, t.at)), offsets: t.offsets.slice(0, n + 1), nulls: nulls! };
        }
        case "number":
          return { type: "number", values: this.numbers[i]!.slice(0, n), nulls: nulls! };
        case "bigint":
          return { type: "bigint", values: this.bigints[i]!.slice(0, n), nulls: nulls! };
        case "bool":
          return { type: "bool", values: this.bools[i]!.slice(0, n), nulls: nulls! };
      }
    });
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const grown = <T extends Int32Array | Float64Array | BigInt64Array | Uint8Array>(a: T | undefined): T | undefined => {
      if (!a) return undefined;
      const b = new (a.constructor as new (n: number) => T)(capacity);
      b.set(a as never);
      return b;
    };
    for (let i = 0; i < STORAGE.length; i++) {
      const t = this.texts[i];
      if (t) {
        const offsets = new Int32Array(capacity + 1);
        offsets.set(t.offsets);
        t.offsets = offsets;
      }
      this.codes[i] = grown(this.codes[i]);
      this.numbers[i] = grown(this.numbers[i]);
      this.bigints[i] = grown(this.bigints[i]);
      this.bools[i] = grown(this.bools[i]);
      this.nulls[i] = grown(this.nulls[i]);
    }
    this.capacity = capacity;
  }
}

/** The code of `value` in a dictionary (`ids`: value → code, `values`: code → value), added when new. */
export function codeOf(ids: Map<string, number>, values: string[], value: string): number {
  let code = ids.get(value);
  if (code === undefined) {
    code = values.length;
    ids.set(value, code);
    values.push(value);
  }
  return code;
}

/** Every transferable buffer of some columns (for postMessage's transfer list). */
export function transferablesOf(columns: ColumnData[]): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const c of columns) {
    if (c.type === "dict") buffers.push(c.codes.buffer as ArrayBuffer);
    else if (c.type === "bytes") {
      buffers.push(c.data.buffer as ArrayBuffer, c.offsets.buffer as ArrayBuffer);
      if (c.nulls) buffers.push(c.nulls.buffer as ArrayBuffer);
    } else if (c.type !== "text") {
      buffers.push(c.values.buffer as ArrayBuffer);
      if (c.nulls) buffers.push(c.nulls.buffer as ArrayBuffer);
    }
  }
  return buffers;
}
