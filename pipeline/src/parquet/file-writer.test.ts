import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { parquetMetadata } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import { formatNano } from "../pricing/money.ts";
import { ParquetFileWriter, type ColumnData } from "./file-writer.ts";
import { readParquet } from "./read-parquet.ts";
import { writeParquet, type Column, type ColumnKind } from "./write-parquet.ts";

/** A test column: its values as `writeParquet` takes them, and how to hand them to ParquetFileWriter. */
interface Fixture {
  name: string;
  kind: ColumnKind;
  as: ColumnData["type"];
  values: unknown[];
  /** For `dict`: the dictionary (may hold entries no row uses). */
  dictionary?: string[];
}

const ROWS = 3501;
const GROUPS = [1000, 1, 2500]; // several row groups, none a multiple of 8 rows
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function prng(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
}

/** Every column type, with nulls, extremes and the awkward strings; `special` values lead each column. */
function fixtures(): Fixture[] {
  const random = prng(11);
  const column = <T>(special: T[], make: (i: number) => T): T[] =>
    Array.from({ length: ROWS }, (_, i) => (i < special.length ? special[i]! : make(i)));
  const pick = <T>(values: T[]) => values[Math.floor(random() * values.length)]!;
  const models = ["gpt-4o", "", "claude-é", "unused-1", "😀", "unused-2"];
  const refs = Array.from({ length: 1000 }, (_, i) => `pricing/public/provider-${i}.yaml#prices[${i % 7}]`);
  const long = "x".repeat(100_000);
  const longMultiByte = "€".repeat(40_000);
  return [
    {
      name: "request_id",
      kind: "string",
      as: "text",
      values: column(["", null, "é ü 😀 中文", long, longMultiByte, "lone \uD800 surrogate"], (i) => (i % 7 === 3 ? null : `req-${i}`)),
    },
    {
      name: "model",
      kind: "string",
      as: "dict",
      dictionary: models,
      values: column([], (i) => (i % 11 === 0 ? null : pick(["gpt-4o", "", "claude-é", "😀"]))),
    },
    // Bit widths 5, 7 and 8 (two halves of a packed group of 8 indices share a byte when odd).
    ...[17, 100, 200].map((size): Fixture => {
      const dictionary = Array.from({ length: size }, (_, i) => `user-${i}`);
      return {
        name: `user_${size}`,
        kind: "string",
        as: "dict",
        dictionary,
        values: column([], () => (random() < 0.1 ? null : pick(dictionary))),
      };
    }),
    { name: "teams", kind: "json", as: "dict", dictionary: ['["a"]', "unused"], values: column([], () => null) },
    { name: "region", kind: "string", as: "dict", dictionary: [], values: column([], () => null) },
    { name: "metadata", kind: "json", as: "text", values: column([], () => null) },
    // Pre-encoded text (what costs run's threads send): the same strings as request_id.
    {
      name: "request_id_bytes",
      kind: "string",
      as: "bytes",
      values: column(["", null, "é ü 😀 中文", long, longMultiByte], (i) => (i % 5 === 2 ? null : `req-${i}`)),
    },
    // Sorted runs (RLE runs of indices, bit width 10) and a long stretch of nulls (RLE runs of levels).
    {
      name: "price_ref",
      kind: "string",
      as: "dict",
      dictionary: refs,
      values: column([], (i) => (i >= 100 && i < 300 ? null : refs[Math.floor(i / 37) % 1000]!)),
    },
    {
      name: "input_tokens",
      kind: "int64",
      as: "number",
      values: column([MAX_SAFE, -MAX_SAFE, 2 ** 32, -(2 ** 32) - 1, 2 ** 31, -(2 ** 31) - 1, 0, null], (i) =>
        i % 5 === 0 ? null : Math.floor(random() * 2 ** (i % 50)),
      ),
    },
    { name: "source_line", kind: "int64", as: "bigint", values: column([INT64_MIN, INT64_MAX, null, -1n], (i) => BigInt(i)) },
    { name: "timestamp", kind: "timestamp", as: "number", values: column([0, -1, null, 1767225600001], (i) => 1767225600000 + i * 997) },
    {
      name: "status_code",
      kind: "int32",
      as: "number",
      values: column([-(2 ** 31), 2 ** 31 - 1, null], () => pick([200, 200, 429, null])),
    },
    { name: "batch", kind: "boolean", as: "bool", values: column([true, null, false], () => pick([true, false, null])) },
    {
      name: "cost_usd",
      kind: "money",
      as: "bigint",
      values: column([INT64_MIN, INT64_MAX, INT64_MIN + 1n, -1n, 0n, null, 1n], () =>
        random() < 0.2 ? null : BigInt(Math.floor(random() * 1e12)) - 10n ** 11n,
      ),
    },
    { name: "audio_cost_usd", kind: "money", as: "bigint", values: column([], () => null) },
    {
      name: "total_usd",
      kind: "money_total",
      as: "bigint",
      values: column([INT64_MIN, INT64_MAX, -1n, null], (i) => BigInt(i) * 1_000_000_007n),
    },
    // Mostly present, with a null stretch and a stretch of scattered nulls.
    {
      name: "cache_read_tokens",
      kind: "int64",
      as: "number",
      values: column([], (i) => ((i >= 40 && i < 400) || (i >= 1000 && i < 1100 && random() < 0.3) ? null : i * 3)),
    },
  ];
}

/** Rows [start, end) of a fixture as ParquetFileWriter data; null slots hold garbage the writer must ignore. */
function columnData(f: Fixture, start: number, end: number): ColumnData {
  const values = f.values.slice(start, end);
  const nulls = Uint8Array.from(values, (v) => (v === null ? 1 : 0));
  switch (f.as) {
    case "dict":
      return {
        type: "dict",
        dictionary: f.dictionary!,
        codes: Int32Array.from(values, (v) => (v === null ? -1 : f.dictionary!.indexOf(v as string))),
      };
    case "text":
      return { type: "text", values: values as (string | null)[] };
    case "bytes": {
      const parts = values.map((v) => (v === null ? Buffer.alloc(0) : Buffer.from(v as string)));
      const offsets = new Int32Array(values.length + 1);
      const chunks: Buffer[] = [];
      parts.forEach((part, i) => {
        if (values[i] !== null) {
          const length = Buffer.alloc(4);
          length.writeUInt32LE(part.length);
          chunks.push(length, part);
        }
        offsets[i + 1] = offsets[i]! + (values[i] === null ? 0 : 4 + part.length);
      });
      return { type: "bytes", data: new Uint8Array(Buffer.concat(chunks)), offsets, nulls };
    }
    case "number":
      return { type: "number", values: Float64Array.from(values, (v) => (v === null ? 0.5 : (v as number))), nulls };
    case "bigint":
      return { type: "bigint", values: BigInt64Array.from(values, (v) => (v === null ? 123n : (v as bigint))), nulls };
    case "bool":
      return { type: "bool", values: Uint8Array.from(values, (v) => (v === true || v === null ? 1 : 0)), nulls };
  }
}

function writeFast(file: string, data: Fixture[], groups: number[], compression: "none" | "snappy"): number {
  const writer = new ParquetFileWriter(
    file,
    data.map((f) => [f.name, f.kind] as const),
    { compression, metadata: { pricing_version: "abc123", note: "é" } },
  );
  let start = 0;
  for (const rows of groups) {
    writer.writeRowGroup(
      rows,
      data.map((f) => columnData(f, start, start + rows)),
    );
    start += rows;
  }
  return writer.close();
}

async function writeSlow(file: string, data: Fixture[]): Promise<void> {
  const columns: Column[] = data.map((f) => ({ name: f.name, kind: f.kind, data: f.values }));
  await writeParquet(file, columns, { pricing_version: "abc123", note: "é" });
}

let duckdb: DuckDBInstance;
let connection: DuckDBConnection;
beforeAll(async () => {
  duckdb = await DuckDBInstance.create(":memory:");
  connection = await duckdb.connect();
  await connection.run("SET TimeZone = 'UTC'");
});
afterAll(() => {
  connection.closeSync();
  duckdb.closeSync();
});

/** DuckDB's rows (values as JSON: decimals and big integers as exact text) and column types. */
async function readWithDuckdb(file: string): Promise<{ rows: Record<string, unknown>[]; types: Record<string, unknown>[] }> {
  const rows = (await connection.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson();
  const types = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson();
  return { rows, types };
}

function footer(file: string) {
  const bytes = readFileSync(file);
  return parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

describe("ParquetFileWriter", () => {
  const data = fixtures();

  it.each(["none", "snappy"] as const)("(%s) reads back like writeParquet's file, in hyparquet and in DuckDB", async (compression) => {
    const dir = await writeTempTree({});
    const fast = path.join(dir, "fast.parquet");
    const slow = path.join(dir, "slow.parquet");
    writeFast(fast, data, GROUPS, compression);
    await writeSlow(slow, data);

    const ours = await readParquet(fast);
    expect(ours.rowCount).toBe(ROWS);
    expect(footer(fast).row_groups.map((g) => Number(g.num_rows))).toEqual(GROUPS);
    expect(ours).toEqual(await readParquet(slow));
    // And the values are the ones written, not merely the same mistakes.
    const byName = Object.fromEntries(data.map((f) => [f.name, f.values]));
    expect(ours.columns.cost_usd).toEqual(byName.cost_usd);
    expect(ours.columns.total_usd).toEqual(byName.total_usd);
    expect(ours.columns.source_line).toEqual(byName.source_line);
    expect(ours.columns.input_tokens).toEqual(byName.input_tokens!.map((v) => (v === null ? null : BigInt(v as number))));
    expect(ours.columns.timestamp).toEqual(byName.timestamp);
    expect(ours.columns.status_code).toEqual(byName.status_code);
    expect(ours.columns.batch).toEqual(byName.batch);
    expect(ours.columns.model).toEqual(byName.model);
    expect(ours.columns.price_ref).toEqual(byName.price_ref);
    expect(ours.columns.cache_read_tokens).toEqual(byName.cache_read_tokens!.map((v) => (v === null ? null : BigInt(v as number))));
    expect(ours.columns.request_id).toEqual(byName.request_id!.map((v) => (v === "lone \uD800 surrogate" ? "lone \uFFFD surrogate" : v)));
    for (const name of ["teams", "region", "metadata", "audio_cost_usd"]) expect(ours.columns[name]).toEqual(new Array(ROWS).fill(null));

    const [fromOurs, fromTheirs] = [await readWithDuckdb(fast), await readWithDuckdb(slow)];
    expect(fromOurs.types).toEqual(fromTheirs.types);
    expect(fromOurs.rows).toEqual(fromTheirs.rows);
    const money = (values: unknown[]) => values.map((v) => (v === null ? null : formatNano(v as bigint)));
    expect(fromOurs.rows.map((row) => row.cost_usd)).toEqual(money(byName.cost_usd!));
    expect(fromOurs.rows.slice(0, 2).map((row) => row.cost_usd)).toEqual(["-9223372036.854775808", "9223372036.854775807"]);
    expect(fromOurs.rows.map((row) => row.total_usd)).toEqual(money(byName.total_usd!));
    expect(fromOurs.rows.slice(0, 8).map((row) => row.input_tokens)).toEqual([
      "9007199254740991",
      "-9007199254740991",
      "4294967296",
      "-4294967297",
      "2147483648",
      "-2147483649",
      "0",
      null,
    ]);
  });

  it("writes the same footer schema, key-value metadata and statistics as writeParquet", async () => {
    const dir = await writeTempTree({});
    const fast = path.join(dir, "fast.parquet");
    const slow = path.join(dir, "slow.parquet");
    writeFast(fast, data, [ROWS], "none"); // one row group, as writeParquet writes up to 100,000 rows
    await writeSlow(slow, data);
    const [ours, theirs] = [footer(fast), footer(slow)];
    expect(ours.schema).toEqual(theirs.schema);
    expect(ours.key_value_metadata).toEqual(theirs.key_value_metadata);
    expect(ours.created_by).toBe("gateway-costs");
    const chunks = ours.row_groups[0]!.columns;
    chunks.forEach((chunk, i) => {
      const meta = chunk.meta_data!;
      const other = theirs.row_groups[0]!.columns[i]!.meta_data!;
      const nulls = data[i]!.values.filter((v) => v === null).length;
      expect(meta.statistics?.null_count, meta.path_in_schema[0]).toBe(BigInt(nulls));
      if (data[i]!.as !== "text" && data[i]!.as !== "bytes") {
        expect([meta.statistics?.min_value, meta.statistics?.max_value], meta.path_in_schema[0]).toEqual([
          other.statistics?.min_value,
          other.statistics?.max_value,
        ]);
      }
    });
  });

  it("orders string statistics by UTF-8 bytes (code points), not UTF-16 code units", async () => {
    const dir = await writeTempTree({});
    const file = path.join(dir, "t.parquet");
    const writer = new ParquetFileWriter(file, [["s", "string"]]);
    writer.writeRowGroup(4, [{ type: "dict", codes: Int32Array.of(0, 1, 2, -1), dictionary: ["\uE000", "😀", "a", "zzz-unused"] }]);
    writer.close();
    const statistics = footer(file).row_groups[0]!.columns[0]!.meta_data!.statistics!;
    expect([statistics.min_value, statistics.max_value, statistics.null_count]).toEqual(["a", "😀", 1n]);
  });

  it("describes every column chunk: values, sizes, offsets, encodings, codec", async () => {
    const dir = await writeTempTree({});
    const file = path.join(dir, "t.parquet");
    const bytes = writeFast(file, data, GROUPS, "snappy");
    expect(readFileSync(file).length).toBe(bytes);
    const metadata = footer(file);
    expect(metadata.num_rows).toBe(BigInt(ROWS));
    let offset = 4n; // after "PAR1"
    metadata.row_groups.forEach((group, g) => {
      expect(group.num_rows).toBe(BigInt(GROUPS[g]!));
      group.columns.forEach((chunk, i) => {
        const meta = chunk.meta_data!;
        const dict = data[i]!.as === "dict" && data[i]!.values.some((v) => v !== null);
        expect(chunk.file_offset).toBe(offset);
        expect(meta.num_values).toBe(BigInt(GROUPS[g]!));
        expect(meta.codec).toBe("SNAPPY");
        expect(meta.encodings).toEqual(dict ? ["PLAIN", "RLE", "RLE_DICTIONARY"] : ["PLAIN", "RLE"]);
        expect(meta.dictionary_page_offset).toBe(dict ? offset : undefined);
        expect(meta.data_page_offset > offset).toBe(dict);
        expect(meta.total_uncompressed_size > 0n).toBe(true);
        offset += meta.total_compressed_size;
      });
    });
    // The chunks tile the file up to the footer.
    expect(offset).toBe(BigInt(bytes - 8 - metadata.metadata_length));
  });

  it("writes a valid file without row groups", async () => {
    const dir = await writeTempTree({});
    const file = path.join(dir, "empty.parquet");
    const writer = new ParquetFileWriter(
      file,
      data.map((f) => [f.name, f.kind] as const),
    );
    writer.writeRowGroup(
      0,
      data.map((f) => columnData(f, 0, 0)),
    ); // a zero-row group adds nothing
    writer.close();
    const read = await readParquet(file);
    expect(read.rowCount).toBe(0);
    expect(read.columns).toEqual(Object.fromEntries(data.map((f) => [f.name, []])));
    const slow = path.join(dir, "slow.parquet");
    await writeSlow(slow, data);
    expect(footer(file).schema).toEqual(footer(slow).schema);
    expect((await connection.runAndReadAll(`SELECT count(*)::INT AS n FROM read_parquet('${file}')`)).getRowObjectsJson()).toEqual([
      { n: 0 },
    ]);
    expect((await readWithDuckdb(file)).types).toEqual((await readWithDuckdb(slow)).types);
  });

  it.each(["none", "snappy"] as const)("(%s) gives byte-identical files for the same input", async (compression) => {
    const dir = await writeTempTree({});
    writeFast(path.join(dir, "a.parquet"), data, GROUPS, compression);
    writeFast(path.join(dir, "b.parquet"), data, GROUPS, compression);
    expect(readFileSync(path.join(dir, "a.parquet")).equals(readFileSync(path.join(dir, "b.parquet")))).toBe(true);
  });

  it("rejects data that does not fit the schema, keeping the file to the last good row group", async () => {
    const dir = await writeTempTree({});
    const file = path.join(dir, "t.parquet");
    const schema = [
      ["model", "string"],
      ["tokens", "int64"],
      ["status", "int32"],
    ] as const;
    const writer = new ParquetFileWriter(file, schema);
    const good = (model: number): ColumnData[] => [
      { type: "dict", codes: Int32Array.of(model), dictionary: ["a", "b"] },
      { type: "number", values: Float64Array.of(7) },
      { type: "number", values: Float64Array.of(200) },
    ];
    writer.writeRowGroup(1, good(0));
    const bad = (i: number, column: ColumnData): ColumnData[] => good(1).map((c, j) => (j === i ? column : c));
    expect(() => writer.writeRowGroup(1, bad(0, { type: "bigint", values: BigInt64Array.of(1n) }))).toThrow(
      "column model (string): expected data of type dict or text or bytes, got bigint",
    );
    expect(() => writer.writeRowGroup(1, bad(0, { type: "dict", codes: Int32Array.of(2), dictionary: ["a", "b"] }))).toThrow(
      "column model: a dictionary code outside -1..1",
    );
    expect(() => writer.writeRowGroup(1, bad(0, { type: "dict", codes: Int32Array.of(-2), dictionary: ["a", "b"] }))).toThrow(
      "outside -1..1",
    );
    expect(() => writer.writeRowGroup(1, bad(1, { type: "number", values: Float64Array.of(1.5) }))).toThrow(
      "expected integers, got 1.5 at row 0",
    );
    expect(() => writer.writeRowGroup(1, bad(2, { type: "number", values: Float64Array.of(2 ** 31) }))).toThrow(
      "expected 32-bit integers, got 2147483648 at row 0",
    );
    expect(() => writer.writeRowGroup(2, good(1))).toThrow("column model: 1 values for a row group of 2 rows");
    expect(() => writer.writeRowGroup(1, good(1).slice(1))).toThrow("2 columns for a schema of 3");
    // Only the first `rows` entries of each array count.
    writer.writeRowGroup(1, [
      { type: "dict", codes: Int32Array.of(1, 0, 5), dictionary: ["a", "b"] },
      { type: "number", values: Float64Array.of(7, 1.5, NaN) },
      { type: "number", values: Float64Array.of(200, 2 ** 40) },
    ]);
    writer.close();
    expect(() => writer.writeRowGroup(1, good(1))).toThrow("writeRowGroup after close");
    expect(await readParquet(file)).toEqual({ rowCount: 2, columns: { model: ["a", "b"], tokens: [7n, 7n], status: [200, 200] } });
  });

  it("refuses a schema it cannot write, and abort() deletes the partial file", async () => {
    const dir = await writeTempTree({});
    const file = path.join(dir, "t.parquet");
    expect(
      () =>
        new ParquetFileWriter(file, [
          ["a", "string"],
          ["a", "int64"],
        ]),
    ).toThrow("column a appears twice");
    expect(() => new ParquetFileWriter(file, [["rate", "rate" as string as ColumnKind]])).toThrow(
      "kind rate is not supported by ParquetFileWriter",
    );
    const writer = new ParquetFileWriter(file, [["a", "string"]]);
    writer.writeRowGroup(1, [{ type: "text", values: ["x"] }]);
    expect(existsSync(file)).toBe(true);
    writer.abort();
    expect(existsSync(file)).toBe(false);
  });
});
