import { openInput } from "./open-input.ts";
import { EMPTY_FILE, type RawRecord } from "./raw-record.ts";
import { readError } from "./read-error.ts";

/**
 * Streams a JSON Lines file (`.jsonl`, `.ndjson`, `.json`, optionally gzipped): one item
 * per non-blank line, `line` being its 1-based physical line number (LF or CRLF endings).
 *
 * - a line that is not valid JSON (a cut-off last line included) → `invalid JSON: …`;
 * - a JSON value that is not an object → `not a JSON object`;
 * - no non-blank line at all → one item at line 0, `empty file: no rows`;
 * - a truncated or corrupt gzip → every complete line before it, then one item at the
 *   next line, `truncated or corrupt gzip: …` (the partial line is not guessed at).
 *
 * Never throws for bad content.
 */
export async function* readJsonl(file: string, gzip: boolean): AsyncGenerator<RawRecord> {
  let line = 0;
  let items = 0;
  let pending = "";
  try {
    const input = await openInput(file, gzip);
    if (input) {
      for await (const chunk of input as AsyncIterable<string>) {
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
