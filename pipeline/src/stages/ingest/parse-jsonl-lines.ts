import { isAscii } from "node:buffer";
import { MAX_ROW_BYTES } from "../../lib/limits.ts";

/** A line longer than this many characters (bytes, as chunks are read) is reported and skipped (not a log row; saves memory). */
export const MAX_LINE_CHARS = MAX_ROW_BYTES;

/** Where parseJsonlLines sends each non-blank line. */
export interface JsonlSink {
  /** A line holding a JSON object; returning false stops the parse there. */
  record(line: number, value: Record<string, unknown>, raw: string): void | false;
  /** A line that is not valid JSON, or not an object. */
  problem(line: number, reason: string, raw: string): void;
}

/**
 * The JSON Lines rules for whole lines of text starting at physical line `firstLine`:
 * LF or CRLF endings; blank lines skipped (but counted); a line that is not valid JSON →
 * `invalid JSON: …`; a JSON value that is not an object → `not a JSON object`. Returns
 * the number of non-blank lines. A line longer than `maxLineChars` → `line longer than …
 * characters` (split-jsonl.ts also stops one that never ends). `costs run` parses its JSON
 * Lines chunks (engine/parse-jsonl-chunk.ts) and detects their preset (engine/read-inputs.ts) with it.
 * `latin1Of`: `text` is these bytes read as latin1 (one character per byte, see parseJsonlBytes);
 * a line with a non-ASCII byte is then decoded again as UTF-8.
 */
export function parseJsonlLines(
  text: string,
  firstLine: number,
  sink: JsonlSink,
  maxLineChars = MAX_LINE_CHARS,
  latin1Of?: Uint8Array,
): number {
  let items = 0;
  let line = firstLine;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
    if (stop - start > maxLineChars) {
      items++;
      sink.problem(line, `line longer than ${maxLineChars} characters`, text.slice(start, start + 4096));
    } else if (stop > start) {
      const raw =
        latin1Of && !isAscii(latin1Of.subarray(start, stop)) ? decoder.decode(latin1Of.subarray(start, stop)) : text.slice(start, stop);
      let value: unknown;
      let failure: string | undefined;
      try {
        value = JSON.parse(raw);
      } catch (error) {
        if (raw.trim() !== "") failure = `invalid JSON: ${(error as Error).message}`;
      }
      if (failure !== undefined) {
        items++;
        sink.problem(line, failure, raw);
      } else if (value !== undefined) {
        items++;
        if (typeof value === "object" && value !== null && !Array.isArray(value)) {
          if (sink.record(line, value as Record<string, unknown>, raw) === false) return items;
        } else sink.problem(line, "not a JSON object", raw);
      }
    }
    line++;
    start = end + 1;
  }
  return items;
}

const decoder = new TextDecoder("utf-8");

/**
 * parseJsonlLines over UTF-8 bytes of whole lines: the bytes are read as latin1 (about ten
 * times faster than UTF-8 decoding) and only the lines holding a non-ASCII byte are decoded
 * as UTF-8, so every line's text is exactly its UTF-8 decoding. Line lengths are then
 * counted in bytes.
 */
export function parseJsonlBytes(bytes: Uint8Array, firstLine: number, sink: JsonlSink, maxLineChars = MAX_LINE_CHARS): number {
  return parseJsonlLines(latin1(bytes), firstLine, sink, maxLineChars, isAscii(bytes) ? undefined : bytes);
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}
