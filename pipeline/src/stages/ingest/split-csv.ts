import { MAX_ROW_BYTES } from "../../lib/limits.ts";

/** One CSV record: its cells, the physical line where it starts and its text as written. */
export interface CsvCells {
  line: number;
  cells: string[];
  raw: string;
}

/** A record that is not valid CSV, reported at the line where it starts. */
export interface CsvProblem {
  line: number;
  error: string;
  raw: string;
}

export type CsvPiece = CsvCells | CsvProblem;

export interface CsvSplitter {
  /** Adds the next text of the input; returns the records it completes. */
  push(text: string): CsvPiece[];
  /** Ends the input; returns the records still open. */
  end(): CsvPiece[];
  /** The physical line where the next, not yet complete record starts. */
  readonly nextLine: number;
}

/** A record still open after this many characters is given up (an unclosed quote, or not CSV at all). */
export const MAX_RECORD_CHARS = MAX_ROW_BYTES;

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const INCOMPLETE = 0;
const UNCLOSED = 1;

type Scan =
  | { cells: string[]; end: number; next: number; newlines: number }
  | { error: string; end: number; next: number; newlines: number }
  | typeof INCOMPLETE
  | typeof UNCLOSED;

/**
 * An incremental RFC 4180 CSV splitter (comma, double quotes, `""` inside quotes) that
 * keeps the exact physical line of every record, which csv-parse does not do reliably
 * for CRLF files, and recovers from a broken record without swallowing the next one.
 *
 * - Lines end with LF or CRLF; quoted cells may hold commas, quotes and line breaks.
 * - Blank (empty or whitespace-only) lines outside quotes are not records.
 * - A quote inside an unquoted cell is kept as written.
 * - Text after a closing quote other than `,` or a line end → a problem for that record;
 *   reading goes on at the next line.
 * - A quote still open at the end of the input (or after MAX_RECORD_CHARS) → a problem at
 *   the line where the record starts; reading goes on at the line after that one.
 * - A leading UTF-8 byte order mark is dropped.
 */
export function createCsvSplitter(): CsvSplitter {
  let buf = "";
  let pos = 0; // start of the current record in buf
  let line = 1; // physical line at pos
  let lfFrom = 0; // buf[pos, lfFrom) holds no LF (saves rescanning a long line)
  let quoteAt = -1; // the next '"' at or after pos (stale when < pos); Infinity: none in buf
  let quoteFrom = 0; // buf[0, quoteFrom) holds no '"' at or after pos
  let skipping = false; // dropping an over-long line up to its end
  let started = false;

  function nextQuote(): number {
    if (quoteAt < pos) {
      const found = buf.indexOf('"', Math.max(pos, quoteFrom));
      if (found === -1) {
        quoteAt = Infinity;
        quoteFrom = buf.length;
      } else {
        quoteAt = found;
      }
    }
    return quoteAt;
  }

  function scan(final: boolean): CsvPiece[] {
    const out: CsvPiece[] = [];
    const len = buf.length;
    while (pos < len) {
      if (skipping) {
        const lf = buf.indexOf("\n", pos);
        if (lf === -1) {
          pos = len;
          break;
        }
        skipping = false;
        line++;
        pos = lf + 1;
        continue;
      }
      let lf = buf.indexOf("\n", Math.max(pos, lfFrom));
      if (lf === -1) {
        if (!final) {
          lfFrom = len;
          if (len - pos > MAX_RECORD_CHARS) {
            out.push({ line, error: `invalid CSV: line longer than ${MAX_RECORD_CHARS} characters`, raw: buf.slice(pos, pos + 4096) });
            skipping = true;
            pos = len;
          }
          break;
        }
        lf = len;
      }
      const contentEnd = lf > pos && buf.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
      if (nextQuote() >= contentEnd) {
        // Fast path: a line without quotes is one record.
        if (!isBlank(buf, pos, contentEnd)) {
          const raw = buf.slice(pos, contentEnd);
          out.push({ line, cells: raw.split(","), raw });
        }
        line++;
        pos = lf + 1;
        continue;
      }
      let scanned = scanRecord(buf, pos, final);
      if (scanned === INCOMPLETE) {
        if (len - pos <= MAX_RECORD_CHARS) break;
        scanned = UNCLOSED;
      }
      if (scanned === UNCLOSED) {
        // Report the record's first line and read on from the next one.
        const first = buf.indexOf("\n", pos);
        const stop = first === -1 ? len : first;
        out.push({
          line,
          error: "invalid CSV: quote not closed",
          raw: buf.slice(pos, stop > pos && buf.charCodeAt(stop - 1) === CR ? stop - 1 : stop),
        });
        if (first === -1) {
          skipping = !final; // the line's end is still to come
          pos = len;
        } else {
          line++;
          pos = first + 1;
        }
        continue;
      }
      const raw = buf.slice(pos, scanned.end);
      out.push("error" in scanned ? { line, error: scanned.error, raw } : { line, cells: scanned.cells, raw });
      line += scanned.newlines;
      pos = scanned.next;
    }
    return out;
  }

  return {
    push(text) {
      if (!started) {
        started = true;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      if (pos >= buf.length) {
        buf = text;
        lfFrom = 0;
        quoteAt = -1;
        quoteFrom = 0;
      } else {
        buf = buf.slice(pos) + text;
        lfFrom = Math.max(0, lfFrom - pos);
        quoteAt = quoteAt === Infinity ? -1 : quoteAt - pos;
        quoteFrom = Math.max(0, quoteFrom - pos);
      }
      pos = 0;
      return scan(false);
    },
    end() {
      return scan(true);
    },
    get nextLine() {
      return line;
    },
  };
}

function isBlank(buf: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** Scans one record that holds a quote, starting at `pos`. */
function scanRecord(buf: string, pos: number, final: boolean): Scan {
  const len = buf.length;
  const cells: string[] = [];
  let newlines = 0;
  let i = pos;
  for (;;) {
    if (i < len && buf.charCodeAt(i) === QUOTE) {
      let value = "";
      let j = i + 1;
      for (;;) {
        const q = buf.indexOf('"', j);
        if (q === -1) return final ? UNCLOSED : INCOMPLETE;
        if (q + 1 >= len && !final) return INCOMPLETE; // `"` or `""`: the next text decides
        value += buf.slice(j, q);
        if (q + 1 < len && buf.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      newlines += countLineFeeds(value);
      cells.push(value);
      if (i >= len) return { cells, end: len, next: len, newlines };
      const c = buf.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === LF) return { cells, end: i, next: i + 1, newlines: newlines + 1 };
      if (c === CR) {
        if (i + 1 >= len) return final ? { cells, end: i, next: len, newlines } : INCOMPLETE;
        if (buf.charCodeAt(i + 1) === LF) return { cells, end: i, next: i + 2, newlines: newlines + 1 };
      }
      const lf = buf.indexOf("\n", i);
      if (lf === -1 && !final) return INCOMPLETE;
      const stop = lf === -1 ? len : lf;
      return {
        error: `invalid CSV: text after the closing quote of column ${cells.length}`,
        end: stop > pos && buf.charCodeAt(stop - 1) === CR ? stop - 1 : stop,
        next: lf === -1 ? len : lf + 1,
        newlines: lf === -1 ? newlines : newlines + 1,
      };
    }
    let j = i;
    while (j < len) {
      const c = buf.charCodeAt(j);
      if (c === COMMA || c === LF) break;
      j++;
    }
    if (j >= len && !final) return INCOMPLETE;
    if (j < len && buf.charCodeAt(j) === COMMA) {
      cells.push(buf.slice(i, j));
      i = j + 1;
      continue;
    }
    const end = j > i && buf.charCodeAt(j - 1) === CR ? j - 1 : j;
    cells.push(buf.slice(i, end));
    return j < len ? { cells, end, next: j + 1, newlines: newlines + 1 } : { cells, end, next: len, newlines };
  }
}

function countLineFeeds(text: string): number {
  let count = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) count++;
  return count;
}
