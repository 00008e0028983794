import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCsvSplitter, MAX_RECORD_CHARS, type CsvPiece } from "./split-csv.ts";

function split(...chunks: string[]): CsvPiece[] {
  const splitter = createCsvSplitter();
  return [...chunks.flatMap((chunk) => splitter.push(chunk)), ...splitter.end()];
}

/** The same pieces whatever the chunk boundaries: every single cut point, and one character at a time. */
function expectChunkIndependent(text: string, expected: CsvPiece[]): void {
  expect(split(text)).toEqual(expected);
  for (let cut = 1; cut < text.length; cut++) expect(split(text.slice(0, cut), text.slice(cut)), `cut at ${cut}`).toEqual(expected);
  expect(split(...text.split(""))).toEqual(expected);
}

describe("createCsvSplitter", () => {
  it("splits plain records with their physical line numbers and text, LF or CRLF, skipping blank lines", () => {
    const text = "a,b\n1,2\n\n   \n3,\n,4";
    const expected = [
      { line: 1, cells: ["a", "b"], raw: "a,b" },
      { line: 2, cells: ["1", "2"], raw: "1,2" },
      { line: 5, cells: ["3", ""], raw: "3," },
      { line: 6, cells: ["", "4"], raw: ",4" },
    ];
    expectChunkIndependent(text, expected);
    expectChunkIndependent(text.replaceAll("\n", "\r\n") + "\r\n", expected);
  });

  it("reads quoted cells with commas, doubled quotes and line breaks, and counts those lines", () => {
    const text = 'id,note\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"two\r\nlines"\r\n\r\n4,"x"\r\n5,ab"c\r\n';
    expectChunkIndependent(text, [
      { line: 1, cells: ["id", "note"], raw: "id,note" },
      { line: 2, cells: ["1", "a, b"], raw: '1,"a, b"' },
      { line: 3, cells: ["2", 'say "hi"'], raw: '2,"say ""hi"""' },
      { line: 4, cells: ["3", "two\r\nlines"], raw: '3,"two\r\nlines"' },
      { line: 7, cells: ["4", "x"], raw: '4,"x"' },
      { line: 8, cells: ["5", 'ab"c'], raw: '5,ab"c' },
    ]);
  });

  it("reports text after a closing quote at the record's line and reads the next record intact", () => {
    expectChunkIndependent('a,b\n"x"y,1\n"multi\nline"z,2\n3,4\n', [
      { line: 1, cells: ["a", "b"], raw: "a,b" },
      { line: 2, error: "invalid CSV: text after the closing quote of column 1", raw: '"x"y,1' },
      { line: 3, error: "invalid CSV: text after the closing quote of column 1", raw: '"multi\nline"z,2' },
      { line: 5, cells: ["3", "4"], raw: "3,4" },
    ]);
  });

  it("reports a quote never closed at the line where the record starts, then reads on from the next line", () => {
    expectChunkIndependent('a,b\n1,"open\n2,3\n4,5', [
      { line: 1, cells: ["a", "b"], raw: "a,b" },
      { line: 2, error: "invalid CSV: quote not closed", raw: '1,"open' },
      { line: 3, cells: ["2", "3"], raw: "2,3" },
      { line: 4, cells: ["4", "5"], raw: "4,5" },
    ]);
  });

  it("gives up on a quote still open after MAX_RECORD_CHARS without holding the whole file", () => {
    const splitter = createCsvSplitter();
    const pieces = [
      ...splitter.push('a,b\n1,"open\n'),
      ...splitter.push("x".repeat(MAX_RECORD_CHARS)),
      ...splitter.push("\n2,3\n"),
      ...splitter.end(),
    ];
    expect(pieces.map((p) => ("error" in p ? [p.line, p.error] : [p.line, p.cells.length]))).toEqual([
      [1, 2],
      [2, "invalid CSV: quote not closed"],
      [3, 1],
      [4, 2],
    ]);
  });

  it("gives up on a line longer than MAX_RECORD_CHARS and reads on after its end", () => {
    const splitter = createCsvSplitter();
    const long = "y".repeat(MAX_RECORD_CHARS + 1);
    const pieces = [
      ...splitter.push("a,b\n"),
      ...splitter.push(long),
      ...splitter.push(long),
      ...splitter.push('"\n1,2\n'),
      ...splitter.end(),
    ];
    expect(pieces.map((p) => ("error" in p ? [p.line, p.error, p.raw.length] : [p.line, p.cells]))).toEqual([
      [1, ["a", "b"]],
      [2, `invalid CSV: line longer than ${MAX_RECORD_CHARS} characters`, 4096],
      [3, ["1", "2"]],
    ]);
  });

  it("drops a leading byte order mark and knows the line of the record still open", () => {
    const splitter = createCsvSplitter();
    expect(splitter.push("\uFEFFa,b\n1,2\n3,")).toEqual([
      { line: 1, cells: ["a", "b"], raw: "a,b" },
      { line: 2, cells: ["1", "2"], raw: "1,2" },
    ]);
    expect(splitter.nextLine).toBe(3);
  });

  it("reads back any quoted-as-needed CSV, cut into any chunks, with exact cells and start lines", () => {
    const cell = fc.stringMatching(/^[a-z ,"\r\n]{0,6}$/);
    const quote = (text: string) => (/[,"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom("\n", "\r\n"),
        fc.array(fc.nat(), { maxLength: 6 }),
        (rows, eol, cuts) => {
          const texts = rows.map((cells) => cells.map(quote).join(","));
          const text = texts.join(eol);
          let line = 1;
          const expected = rows.map((cells, i) => {
            const piece = { line, cells, raw: texts[i]! };
            line += texts[i]!.split("\n").length;
            return piece;
          });
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...points].map((start, i, all) => text.slice(start, all[i + 1] ?? text.length));
          expect(split(...chunks)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
