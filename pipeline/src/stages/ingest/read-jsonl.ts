import { openInput } from "./open-input.ts";
import { EMPTY_FILE, type RawRecord } from "./raw-record.ts";
import { readError } from "./read-error.ts";

/** A line still open after this many characters is reported and skipped (not a log row; saves memory). */
export const MAX_LINE_CHARS = 1 << 26;

/**
 * Streams a JSON Lines file (`.jsonl`, `.ndjson`, `.json`, optionally gzipped): one item
 * per non-blank line, `line` being its 1-based physical line number (LF or CRLF endings).
 *
 * - a line that is not valid JSON (a cut-off last line included) → `invalid JSON: …`;
 * - a JSON value that is not an object → `not a JSON object`;
 * - a line longer than MAX_LINE_CHARS → `line longer than … characters`;
 * - no non-blank line at all → one item at line 0, `empty file: no rows`;
 * - a truncated or corrupt gzip → every complete line before it, then one item at the
 *   next line, `truncated or corrupt gzip: …` (the partial line is not guessed at).
 *
 * Never throws for bad content.
 */
export async function* readJsonl(file: string, gzip: boolean, options: { maxLineChars?: number } = {}): AsyncGenerator<RawRecord> {
  const maxLineChars = options.maxLineChars ?? MAX_LINE_CHARS;
  let line = 0;
  let items = 0;
  let pending = "";
  let skipping = false; // dropping the rest of an over-long line
  try {
    const input = await openInput(file, gzip);
    if (input) {
      for await (let chunk of input as AsyncIterable<string>) {
        if (skipping) {
          const end = chunk.indexOf("\n");
          if (end === -1) continue;
          chunk = chunk.slice(end + 1);
          skipping = false;
        }
        let text = pending + chunk;
        if (line === 0 && pending === "" && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        let start = 0;
        // Search only the new text for line ends: a long line across chunks is not rescanned.
        let end = text.indexOf("\n", pending.length);
        while (end !== -1) {
          line++;
          const item = parseLine(text, start, end, line);
          if (item) {
            items++;
            yield item;
          }
          start = end + 1;
          end = text.indexOf("\n", start);
        }
        pending = start === 0 ? text : text.slice(start);
        if (pending.length > maxLineChars) {
          line++;
          items++;
          yield { line, error: `line longer than ${maxLineChars} characters`, raw: pending.slice(0, 4096) };
          pending = "";
          skipping = true;
        }
      }
    }
  } catch (error) {
    yield readError(error, line + 1);
    return;
  }
  if (pending !== "") {
    line++;
    const item = parseLine(pending, 0, pending.length, line);
    if (item) {
      items++;
      yield item;
    }
  }
  if (items === 0) yield { line: 0, error: EMPTY_FILE, raw: "" };
}

/** The item for text[start, end) (without its line end), or undefined for a blank line. */
function parseLine(text: string, start: number, end: number, line: number): RawRecord | undefined {
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  const raw = text.slice(start, end);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    if (raw.trim() === "") return undefined;
    return { line, error: `invalid JSON: ${(error as Error).message}`, raw };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { line, error: "not a JSON object", raw };
  return { line, record: value as Record<string, unknown>, raw };
}
