/**
 * CSV text (RFC 4180, `\n` line ends). Cells of `text` columns that begin with `=`, `+`,
 * `-`, `@`, tab or carriage return are prefixed with `'` so a spreadsheet shows them as
 * text instead of running them as a formula (log values are attacker-controlled).
 * `number` columns are written as they are (negative amounts stay numbers).
 */
export type CsvKind = "text" | "number";

/**
 * The UTF-8 byte order mark (bytes EF BB BF once encoded): put first in a CSV file, it
 * tells Excel the file is UTF-8, so accented names open correctly (policies/extracts.yaml
 * `csv.bom`, an extract's `bom`, `costs extract --bom`).
 */
export const UTF8_BOM = "\uFEFF";

const FORMULA_START = /^[=+\-@\t\r]/;

export function toCsv(header: string[], kinds: CsvKind[], rows: Iterable<unknown[]>): string {
  return `${header.map((h) => quote(h)).join(",")}\n${toCsvLines(kinds, rows)}`;
}

/** The CSV lines of `rows` (each ending in `\n`), without a header: for files written in pieces. */
export function toCsvLines(kinds: CsvKind[], rows: Iterable<unknown[]>): string {
  const lines: string[] = [];
  for (const row of rows) {
    let line = "";
    for (let i = 0; i < kinds.length; i++) {
      if (i > 0) line += ",";
      const value = row[i];
      if (value === null || value === undefined) continue;
      line += csvCell(typeof value === "string" ? value : String(value), kinds[i]!);
    }
    lines.push(`${line}\n`);
  }
  return lines.join("");
}

/** One cell as toCsvLines writes it: a `text` cell neutralized, then quoted when it needs to be. */
export function csvCell(text: string, kind: CsvKind): string {
  return quote(kind === "number" ? text : neutralize(text));
}

export function neutralize(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function quote(text: string): string {
  return /[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}
