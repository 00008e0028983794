import { writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../../../test/temp-dir.ts";
import { splitJsonl } from "./split-jsonl.ts";

async function pieces(name: string, content: string | Buffer, options: { chunkBytes?: number; maxLineBytes?: number } = {}) {
  const dir = await writeTempTree({});
  const file = path.join(dir, name);
  await writeFile(file, content);
  const out: Array<{ firstLine: number; text: string } | { line: number; error: string }> = [];
  for await (const piece of splitJsonl(file, name.endsWith(".gz"), options)) {
    out.push(
      piece.kind === "chunk"
        ? { firstLine: piece.firstLine, text: Buffer.from(piece.bytes).toString("utf8") }
        : { line: piece.line, error: piece.error },
    );
  }
  return out;
}

const lines = (n: number) => Array.from({ length: n }, (_, i) => `{"i":${i + 1}}\n`).join("");

describe("splitJsonl", () => {
  it("cuts only at line ends and numbers each chunk's first line", async () => {
    const text = lines(2000);
    const found = await pieces("a.jsonl", text, { chunkBytes: 1000 });
    expect(found.length).toBeGreaterThan(1);
    expect(found.map((p) => ("text" in p ? p.text : "")).join("")).toBe(text);
    for (const p of found) {
      if (!("text" in p)) throw new Error("unexpected problem");
      expect(p.text.endsWith("\n")).toBe(true);
      expect(p.text.slice(0, p.text.indexOf("\n"))).toBe(`{"i":${p.firstLine}}`);
    }
  });

  it("drops a byte-order mark and keeps a last line without a line end", async () => {
    expect(await pieces("b.jsonl", `\ufeff{"a":1}\r\n\n{"b":2}`)).toEqual([{ firstLine: 1, text: `{"a":1}\r\n\n{"b":2}` }]);
  });

  it("gives the whole lines before a truncated gzip, then one problem at the next line", async () => {
    const zipped = gzipSync(lines(50_000));
    const found = await pieces("c.jsonl.gz", zipped.subarray(0, Math.floor(zipped.length / 2)), { chunkBytes: 4096 });
    const problem = found.at(-1)!;
    expect(problem).toMatchObject({ error: expect.stringMatching(/^truncated or corrupt gzip: /) });
    const text = found
      .slice(0, -1)
      .map((p) => ("text" in p ? p.text : ""))
      .join("");
    const whole = text.split("\n").length - 1;
    expect(text.endsWith("\n")).toBe(true);
    expect((problem as { line: number }).line).toBe(whole + 1);
    expect(whole).toBeGreaterThan(1000);
  });

  it("reports a line that never ends once, skips it and reads on", async () => {
    const text = `{"a":1}\n{"k":"${"x".repeat(50_000)}"}\n{"b":2}\n`;
    const found = await pieces("d.jsonl", text, { chunkBytes: 1 << 20, maxLineBytes: 10_000 });
    // Read in 1 MiB pieces, the long line arrives whole: the line parser reports it (parse-jsonl-lines.ts).
    expect(found).toEqual([{ firstLine: 1, text }]);
    const big = `{"a":1}\n{"k":"${"x".repeat(3 << 20)}"}\n{"b":2}\n`;
    expect(await pieces("e.jsonl", big, { chunkBytes: 1 << 20, maxLineBytes: 1 << 20 })).toEqual([
      { firstLine: 1, text: `{"a":1}\n` },
      { line: 2, error: `line longer than ${1 << 20} characters` },
      { firstLine: 3, text: `{"b":2}\n` },
    ]);
  });

  it("gives nothing for a 0-byte file (the reader reports the empty file)", async () => {
    expect(await pieces("f.jsonl", "")).toEqual([]);
  });
});
