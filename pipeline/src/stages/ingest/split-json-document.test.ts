import { writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../../../test/temp-dir.ts";
import { parseJsonlBytes } from "./parse-jsonl-lines.ts";
import { detectJsonLayout, splitJsonDocument } from "./split-json-document.ts";

async function fileOf(name: string, content: string | Buffer): Promise<string> {
  const dir = await writeTempTree({});
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

/** The records and problems a document gives, each with its number, after the JSON Lines rules. */
async function read(name: string, content: string | Buffer, options: { chunkBytes?: number; maxLineBytes?: number } = {}) {
  const file = await fileOf(name, content);
  const gzip = name.endsWith(".gz");
  const layout = await detectJsonLayout(file, gzip);
  if (layout === "lines") throw new Error("expected a document");
  const out: string[] = [];
  let chunks = 0;
  for await (const piece of splitJsonDocument(file, gzip, layout, options)) {
    if (piece.kind === "problem") out.push(`${piece.line}: ${piece.error.replace(file, "FILE")}`);
    else {
      chunks++;
      parseJsonlBytes(piece.bytes, piece.firstLine, {
        record: (line, value) => void out.push(`${line}: ${JSON.stringify(value)}`),
        problem: (line, reason) => void out.push(`${line}: ${reason.split(" in JSON")[0]}`),
      });
    }
  }
  return { out, chunks };
}

describe("detectJsonLayout", () => {
  it.each([
    ["[\n{}]", "array"],
    ['\uFEFF  [{"a":1}]', "array"],
    ['{"object":"list","data":[{"a":1}]}', "page"],
    ['{"object":"list","data":[{"a":1}]}\n\n', "page"],
    ['{\n  "data": [\n  ]\n}\n', "page"],
    ['{\n  "request_id": "x"\n}\n', "page"],
    ['{"a":1}\n{"a":2}\n', "lines"],
    ['{"data":[1]}\n{"data":[2]}\n', "lines"],
    ['{"a":1}', "lines"],
    ["", "lines"],
    ["not json\n", "lines"],
  ])("%j is %s", async (content, layout) => {
    expect(await detectJsonLayout(await fileOf("a.json", content), false)).toBe(layout);
  });

  it("reads a gzipped file", async () => {
    expect(await detectJsonLayout(await fileOf("a.json.gz", gzipSync('[{"a":1}]')), true)).toBe("array");
  });
});

describe("splitJsonDocument", () => {
  it("reads a pretty-printed array element by element, numbered from 1", async () => {
    const text = JSON.stringify([{ a: 1, s: "x\ny" }, { b: [1, { c: "]}" }] }, { d: '\\"' }], null, 2);
    expect((await read("a.json", text)).out).toEqual(['1: {"a":1,"s":"x\\ny"}', '2: {"b":[1,{"c":"]}"}]}', '3: {"d":"\\\\\\""}']);
  });

  it("reads the `data` list of a page object and nothing else", async () => {
    const page = { object: "list", first: { data: "no" }, note: "data", data: [{ a: 1 }, { a: 2 }], has_more: false, last: [{ x: 1 }] };
    expect((await read("p.json", JSON.stringify(page, null, 1))).out).toEqual(['1: {"a":1}', '2: {"a":2}']);
    expect((await read("p.json", JSON.stringify(page))).out).toEqual(['1: {"a":1}', '2: {"a":2}']);
  });

  it("makes each bad element one reject with its number, and goes on", async () => {
    const text = '[\n  {"a":1},\n  {"a": tru},\n  7,\n  "s",\n  {"a":4}\n]\n';
    expect((await read("a.json", text)).out).toEqual([
      '1: {"a":1}',
      expect.stringMatching(/^2: invalid JSON: /),
      "3: not a JSON object",
      "4: not a JSON object",
      '5: {"a":4}',
    ]);
  });

  it("keeps numbering across chunks", async () => {
    const records = Array.from({ length: 500 }, (_, i) => ({ i: i + 1 }));
    const { out, chunks } = await read("a.json.gz", gzipSync(JSON.stringify(records, null, 2)), { chunkBytes: 256 });
    expect(chunks).toBeGreaterThan(10);
    expect(out).toEqual(records.map((r) => `${r.i}: ${JSON.stringify(r)}`));
  });

  it("skips an element that is too long, as one problem", async () => {
    const text = JSON.stringify([{ a: 1 }, { long: "x".repeat(200) }, { a: 3 }]);
    expect((await read("a.json", text, { maxLineBytes: 100 })).out).toEqual([
      '1: {"a":1}',
      "2: element longer than 100 characters",
      '3: {"a":3}',
    ]);
  });

  it("says when the document is truncated, has no records list or is not one document", async () => {
    expect((await read("a.json", '[{"a":1},\n{"a":2')).out).toEqual(['1: {"a":1}', "2: JSON document ends inside element 2: truncated?"]);
    expect((await read("a.json", '{\n"object":"list",\n"items":[{"a":1}]}')).out).toEqual([
      "0: JSON document has no list of records: expected a top-level array or an object with a `data` array",
    ]);
    expect((await read("a.json", '[{"a":1}]\n[{"a":2}]')).out).toEqual([
      '1: {"a":1}',
      "0: not one JSON document: a second value follows the first",
    ]);
  });
});
