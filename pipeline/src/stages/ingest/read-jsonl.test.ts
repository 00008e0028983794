import path from "node:path";
import { describe, expect, it } from "vitest";
import { collect, gzip, writeInputs } from "./__fixtures__/inputs.ts";
import { readJsonl } from "./read-jsonl.ts";

describe("readJsonl", () => {
  it("yields one item per non-blank line with its physical line number (CRLF, blank lines, BOM)", async () => {
    const text = '\uFEFF{"a":1}\r\n\r\n  \n{"b":"x"}\n[1,2]\n"text"\nnull\n{"c":tru\n{"d":2}';
    const dir = await writeInputs({ "a.jsonl": text });
    const items = await collect(readJsonl(path.join(dir, "a.jsonl"), false));
    expect(items.map((i) => ("error" in i ? [i.line, i.error.replace(/:.*/, ":…"), i.raw] : [i.line, i.record, i.raw]))).toEqual([
      [1, { a: 1 }, '{"a":1}'],
      [4, { b: "x" }, '{"b":"x"}'],
      [5, "not a JSON object", "[1,2]"],
      [6, "not a JSON object", '"text"'],
      [7, "not a JSON object", "null"],
      [8, "invalid JSON:…", '{"c":tru'],
      [9, { d: 2 }, '{"d":2}'],
    ]);
  });

  it("reports a cut-off last line as invalid JSON at its line", async () => {
    const dir = await writeInputs({ "cut.jsonl": '{"request_id":"r1"}\n{"request_id":"r2","model":"op' });
    const items = await collect(readJsonl(path.join(dir, "cut.jsonl"), false));
    expect(items).toHaveLength(2);
    expect(items[1]).toMatchObject({ line: 2, error: expect.stringMatching(/^invalid JSON: /), raw: '{"request_id":"r2","model":"op' });
  });

  it("reads a line longer than one read chunk", async () => {
    const long = `{"k":"${"x".repeat(3_000_000)}"}`;
    const dir = await writeInputs({ "long.jsonl": `{"a":1}\n${long}\n{"b":2}\n` });
    const items = await collect(readJsonl(path.join(dir, "long.jsonl"), false));
    expect(items.map((i) => [i.line, "record" in i ? Object.keys(i.record)[0] : i.error])).toEqual([
      [1, "a"],
      [2, "k"],
      [3, "b"],
    ]);
  });

  it("reads non-ASCII text exactly, next to ASCII lines (per-line UTF-8 decoding)", async () => {
    const text = '{"a":"plain"}\r\n{"b":"é ü 😀 中文","c":"\\u00e9"}\n{"d":"x"}\n';
    const dir = await writeInputs({ "u.jsonl": text });
    const items = await collect(readJsonl(path.join(dir, "u.jsonl"), false));
    expect(items.map((i) => ("record" in i ? [i.line, i.record, i.raw] : [i.line, i.error]))).toEqual([
      [1, { a: "plain" }, '{"a":"plain"}'],
      [2, { b: "é ü 😀 中文", c: "é" }, '{"b":"é ü 😀 中文","c":"\\u00e9"}'],
      [3, { d: "x" }, '{"d":"x"}'],
    ]);
  });

  it("reports and skips a line longer than the limit, then reads on", async () => {
    const dir = await writeInputs({ "huge.jsonl": `{"a":1}\n{"k":"${"x".repeat(200_000)}"}\n{"b":2}\n` });
    const items = await collect(readJsonl(path.join(dir, "huge.jsonl"), false, { maxLineChars: 100_000 }));
    expect(items.map((i) => ("error" in i ? [i.line, i.error, i.raw.length] : [i.line, i.record]))).toEqual([
      [1, { a: 1 }],
      [2, "line longer than 100000 characters", 4096],
      [3, { b: 2 }],
    ]);
  });

  it("reads gzip, and reports an empty file (0 bytes, blank lines, empty gzip) once at line 0", async () => {
    const dir = await writeInputs({ "a.jsonl.gz": gzip('{"a":1}\n\n{"a":2}\n'), "zero.jsonl": "", "blank.ndjson": "\n \r\n", "zero.jsonl.gz": "", "empty.jsonl.gz": gzip("") });
    expect(await collect(readJsonl(path.join(dir, "a.jsonl.gz"), true))).toEqual([
      { line: 1, record: { a: 1 }, raw: '{"a":1}' },
      { line: 3, record: { a: 2 }, raw: '{"a":2}' },
    ]);
    for (const [name, gz] of [["zero.jsonl", false], ["blank.ndjson", false], ["zero.jsonl.gz", true], ["empty.jsonl.gz", true]] as const) {
      expect(await collect(readJsonl(path.join(dir, name), gz)), name).toEqual([{ line: 0, error: "empty file: no rows", raw: "" }]);
    }
  });

  it("yields every complete line of a truncated gzip, then one gzip error at the next line", async () => {
    const lines = Array.from({ length: 3 }, (_, i) => `{"i":${i}}`).join("\n") + "\n";
    const dir = await writeInputs({ "cut.jsonl.gz": gzip(lines, 8) });
    expect(await collect(readJsonl(path.join(dir, "cut.jsonl.gz"), true))).toEqual([
      { line: 1, record: { i: 0 }, raw: '{"i":0}' },
      { line: 2, record: { i: 1 }, raw: '{"i":1}' },
      { line: 3, record: { i: 2 }, raw: '{"i":2}' },
      { line: 4, error: "truncated or corrupt gzip: unexpected end of file", raw: "" },
    ]);
  });

  it("does not guess at a line cut in the middle of the compressed data", async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ i, pad: "y".repeat(i % 50) })).join("\n") + "\n";
    const full = gzip(lines);
    const dir = await writeInputs({ "mid.jsonl.gz": full.subarray(0, Math.floor(full.length / 2)) });
    const items = await collect(readJsonl(path.join(dir, "mid.jsonl.gz"), true));
    const rows = items.slice(0, -1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((item, i) => "record" in item && item.line === i + 1 && item.record.i === i)).toBe(true);
    expect(items.at(-1)).toEqual({ line: rows.length + 1, error: "truncated or corrupt gzip: unexpected end of file", raw: "" });
  });
});
