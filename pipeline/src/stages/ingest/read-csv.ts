import { openInput } from "./open-input.ts";
import { EMPTY_FILE, type RawRecord } from "./raw-record.ts";
import { readError } from "./read-error.ts";
import { createCsvSplitter, type CsvPiece } from "./split-csv.ts";

/**
 * Streams a CSV file (optionally gzipped) whose first non-blank record is the header:
 * one item per later record, `line` being the physical line where the record starts.
 * Cells stay text; an empty cell is `""` (the converter treats it as absent).
 *
 * - a record with more or fewer cells than the header → `expected N columns as in the
 *   header, got M`, and reading goes on;
 * - a header naming a column twice → every record is rejected with that reason;
 * - broken quoting → `invalid CSV: …` for that record (see createCsvSplitter);
 * - no record after the header → one item at line 0, `empty file: no rows`;
 * - a truncated or corrupt gzip → every complete record before it, then one item at the
 *   line where the cut-off record starts.
 *
 * Header names are trimmed. Never throws for bad content.
 */
export async function* readCsv(file: string, gzip: boolean): AsyncGenerator<RawRecord> {
  const splitter = createCsvSplitter();
  let header: string[] | undefined;
  let headerProblem: string | undefined;
  let buildRecord: ((cells: string[]) => Record<string, unknown>) | undefined;
  let items = 0;

  function toItem(piece: CsvPiece): RawRecord | undefined {
    if ("error" in piece) return piece;
    const { line, cells, raw } = piece;
    if (header === undefined) {
      header = cells.map((cell) => cell.trim());
      const seen = new Set<string>();
      for (const name of header) {
        if (seen.has(name)) headerProblem ??= `duplicate column \`${name}\` in the header (line ${line})`;
        seen.add(name);
      }
      buildRecord = recordBuilder(header);
      return undefined;
    }
    if (headerProblem !== undefined) return { line, error: headerProblem, raw };
    if (cells.length !== header.length)
      return { line, error: `expected ${header.length} columns as in the header, got ${cells.length}`, raw };
    return { line, record: buildRecord!(cells), raw };
  }

  try {
    const input = await openInput(file, gzip);
    if (input) {
      for await (const chunk of input as AsyncIterable<string>) {
        for (const piece of splitter.push(chunk)) {
          const item = toItem(piece);
          if (item) {
            items++;
            yield item;
          }
        }
      }
    }
  } catch (error) {
    yield readError(error, splitter.nextLine);
    return;
  }
  for (const piece of splitter.end()) {
    const item = toItem(piece);
    if (item) {
      items++;
      yield item;
    }
  }
  if (items === 0) yield { line: 0, error: EMPTY_FILE, raw: "" };
}

/**
 * Turns a record's cells into an object keyed by the header. Generated once per file as
 * one object literal, so every record of the file shares one shape and reading its fields
 * stays fast; names are embedded as JSON string literals (no input text is evaluated).
 */
function recordBuilder(header: string[]): (cells: string[]) => Record<string, unknown> {
  if (header.includes("__proto__")) {
    return (cells) => {
      const record: Record<string, unknown> = {};
      header.forEach((name, i) =>
        Object.defineProperty(record, name, { value: cells[i], enumerable: true, writable: true, configurable: true }),
      );
      return record;
    };
  }
  const fields = header.map((name, i) => `${JSON.stringify(name)}: cells[${i}]`).join(", ");
  return new Function("cells", `return { ${fields} };`) as (cells: string[]) => Record<string, unknown>;
}
