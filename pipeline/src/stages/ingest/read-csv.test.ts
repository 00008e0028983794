import path from "node:path";
import { describe, expect, it } from "vitest";
import { collect, gzip, writeInputs } from "./__fixtures__/inputs.ts";
import { readCsv } from "./read-csv.ts";

const CSV = 'request_id,model,input_tokens\r\nr1,m,10\r\n\r\nr2,"a,b",\r\nr3,m,30,extra\r\nr4,m\r\n"r5",m,50\r\n';

describe("readCsv", () => {
  it("yields one record per data row with its starting line; a wrong column count is an error for that line only", async () => {
    const dir = await writeInputs({ "a.csv": CSV });
    expect(await collect(readCsv(path.join(dir, "a.csv"), false))).toEqual([
      { line: 2, record: { request_id: "r1", model: "m", input_tokens: "10" }, raw: "r1,m,10" },
      { line: 4, record: { request_id: "r2", model: "a,b", input_tokens: "" }, raw: 'r2,"a,b",' },
      { line: 5, error: "expected 3 columns as in the header, got 4", raw: "r3,m,30,extra" },
      { line: 6, error: "expected 3 columns as in the header, got 2", raw: "r4,m" },
      { line: 7, record: { request_id: "r5", model: "m", input_tokens: "50" }, raw: '"r5",m,50' },
    ]);
  });

  it("reads gzip the same way", async () => {
    const dir = await writeInputs({ "a.csv": CSV, "a.csv.gz": gzip(CSV) });
    expect(await collect(readCsv(path.join(dir, "a.csv.gz"), true))).toEqual(await collect(readCsv(path.join(dir, "a.csv"), false)));
  });

  it("reports an empty file (0 bytes, header only, blank lines) once at line 0", async () => {
    const dir = await writeInputs({ "zero.csv": "", "header.csv": "request_id,model\n\n\n", "blank.csv.gz": gzip("\n\n") });
    for (const [name, gz] of [
      ["zero.csv", false],
      ["header.csv", false],
      ["blank.csv.gz", true],
    ] as const) {
      expect(await collect(readCsv(path.join(dir, name), gz))).toEqual([{ line: 0, error: "empty file: no rows", raw: "" }]);
    }
  });

  it("rejects every row of a file whose header names a column twice", async () => {
    const dir = await writeInputs({ "dup.csv": "request_id,input_tokens,input_tokens\nr1,1,2\nr2,3,4\n" });
    const reason = "duplicate column `input_tokens` in the header (line 1)";
    expect(await collect(readCsv(path.join(dir, "dup.csv"), false))).toEqual([
      { line: 2, error: reason, raw: "r1,1,2" },
      { line: 3, error: reason, raw: "r2,3,4" },
    ]);
  });

  it("yields every complete record of a truncated gzip, then the gzip error at the next line", async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `r${i},m,${i}`).join("\n");
    const dir = await writeInputs({ "cut.csv.gz": gzip(`request_id,model,input_tokens\n${rows}\n`, 8) });
    const items = await collect(readCsv(path.join(dir, "cut.csv.gz"), true));
    const last = items.at(-1)!;
    expect(last).toEqual({ line: items.length + 1, error: "truncated or corrupt gzip: unexpected end of file", raw: "" });
    expect(items.slice(0, -1).every((item, i) => "record" in item && item.line === i + 2)).toBe(true);
  });

  it("reports a file that is not gzip at all at line 1, and a missing file at line 0", async () => {
    const dir = await writeInputs({ "plain.csv.gz": "a,b\n1,2\n" });
    expect(await collect(readCsv(path.join(dir, "plain.csv.gz"), true))).toEqual([
      { line: 1, error: "truncated or corrupt gzip: incorrect header check", raw: "" },
    ]);
    const [missing] = await collect(readCsv(path.join(dir, "missing.csv"), false));
    expect(missing).toMatchObject({ line: 0, error: expect.stringMatching(/^cannot read file: ENOENT/) });
  });
});
