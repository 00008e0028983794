import path from "node:path";
import { gzipSync } from "node:zlib";
import { parquetMetadata } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { collect, gzip, writeInputs } from "./__fixtures__/inputs.ts";
import { readParquetLogs } from "./read-parquet-logs.ts";

function sample(options: { rowGroupSize?: number; codec?: "GZIP" } = {}): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: "request_id", data: ["r1", "r2", "r3"], type: "STRING" },
      { name: "input_tokens", data: [10n, 20n, null], type: "INT64" },
      { name: "cost", data: [0.001, 0.5, null], type: "DOUBLE" },
      { name: "teams", data: [["a", "b"], [], null] },
    ],
    ...(options.rowGroupSize ? { rowGroupSize: options.rowGroupSize } : {}),
    ...(options.codec ? { codec: options.codec, compressors: { GZIP: (input: Uint8Array) => gzipSync(input) } } : {}),
  });
  return new Uint8Array(buffer);
}

const EXPECTED = [
  {
    line: 1,
    record: { request_id: "r1", input_tokens: 10n, cost: 0.001, teams: ["a", "b"] },
    raw: '{"request_id":"r1","input_tokens":"10","cost":0.001,"teams":["a","b"]}',
  },
  {
    line: 2,
    record: { request_id: "r2", input_tokens: 20n, cost: 0.5, teams: [] },
    raw: '{"request_id":"r2","input_tokens":"20","cost":0.5,"teams":[]}',
  },
  {
    line: 3,
    record: { request_id: "r3", input_tokens: null, cost: null, teams: null },
    raw: '{"request_id":"r3","input_tokens":null,"cost":null,"teams":null}',
  },
];

async function read(file: string, gz = false) {
  return (await collect(readParquetLogs(file, gz))).map((item) =>
    "error" in item ? item : { line: item.line, record: item.record, raw: item.raw },
  );
}

describe("readParquetLogs", () => {
  it("yields each row with its 1-based row number across row groups, raw as JSON with BigInt as text", async () => {
    const dir = await writeInputs({ "a.parquet": sample({ rowGroupSize: 2 }) });
    expect(await read(path.join(dir, "a.parquet"))).toEqual(EXPECTED);
  });

  it("reads .parquet.gz, and pages compressed with GZIP", async () => {
    const gzipPages = sample({ codec: "GZIP" });
    expect(parquetMetadata(gzipPages.buffer as ArrayBuffer).row_groups[0]!.columns[0]!.meta_data!.codec).toBe("GZIP");
    const dir = await writeInputs({ "a.parquet.gz": gzip(sample()), "g.parquet": gzipPages });
    expect(await read(path.join(dir, "a.parquet.gz"), true)).toEqual(EXPECTED);
    expect(await read(path.join(dir, "g.parquet"))).toEqual(EXPECTED);
  });

  it("reports 0 bytes and 0 rows as an empty file, garbage as unreadable, a broken gzip at line 1", async () => {
    const noRows = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "request_id", data: [], type: "STRING" }] }));
    const dir = await writeInputs({
      "zero.parquet": "",
      "norows.parquet": noRows,
      "garbage.parquet": "this is not parquet at all",
      "cut.parquet.gz": gzip(sample(), 10),
    });
    expect(await read(path.join(dir, "zero.parquet"))).toEqual([{ line: 0, error: "empty file: no rows", raw: "" }]);
    expect(await read(path.join(dir, "norows.parquet"))).toEqual([{ line: 0, error: "empty file: no rows", raw: "" }]);
    expect(await read(path.join(dir, "garbage.parquet"))).toEqual([
      { line: 0, error: "unreadable Parquet file: parquet file invalid (footer != PAR1)", raw: "" },
    ]);
    expect(await read(path.join(dir, "cut.parquet.gz"), true)).toEqual([
      { line: 1, error: "truncated or corrupt gzip: unexpected end of file", raw: "" },
    ]);
  });

  it("reports a row group that cannot be decoded at its first row and reads the other row groups", async () => {
    const bytes = sample({ rowGroupSize: 2 });
    const metadata = parquetMetadata(bytes.buffer as ArrayBuffer);
    const column = metadata.row_groups[0]!.columns[0]!.meta_data!;
    const start = Number(column.data_page_offset);
    bytes.fill(0xff, start, start + Number(column.total_compressed_size));
    const dir = await writeInputs({ "broken.parquet": bytes });
    const items = await read(path.join(dir, "broken.parquet"));
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      line: 1,
      error: expect.stringMatching(/^unreadable Parquet file: row group 1 \(rows 1–2\): /),
      raw: "",
    });
    expect(items[1]).toEqual(EXPECTED[2]);
  });
});
